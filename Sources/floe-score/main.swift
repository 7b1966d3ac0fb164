import FlowCommands

ScoreCommand.main()

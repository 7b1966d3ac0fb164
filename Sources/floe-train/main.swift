import FlowCommands

TrainCommand.main()

import FlowCommands

CleanCommand.main()

import FlowCommands

DevCommand.main()

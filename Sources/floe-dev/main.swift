import FlowDevCommands

DevCommand.main()

import FlowCommands

IngestCommand.main()

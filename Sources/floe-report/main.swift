import FlowCommands

ReportCommand.main()

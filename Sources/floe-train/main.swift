import FlowCommands

Floe.main()

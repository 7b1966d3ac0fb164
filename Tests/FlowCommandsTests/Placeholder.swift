import Testing
import FlowCommands

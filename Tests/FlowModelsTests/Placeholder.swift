import Testing
@testable import FlowModels

import Testing
@testable import FlowClean

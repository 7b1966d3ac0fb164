import Testing
@testable import FlowIngest

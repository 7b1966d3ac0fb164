import Testing
@testable import FlowReports

import Testing
@testable import FlowColumnar

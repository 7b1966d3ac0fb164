import Testing
@testable import FlowFormats

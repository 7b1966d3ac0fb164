import Testing
@testable import FlowGenerate

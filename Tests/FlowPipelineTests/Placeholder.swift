import Testing
@testable import FlowPipeline

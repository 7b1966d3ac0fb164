// FlowPipeline: see ARCHITECTURE.md. Contents arrive with issue 5.
import FlowCore

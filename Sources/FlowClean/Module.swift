// FlowClean: see ARCHITECTURE.md. Contents arrive with issue 3.
import FlowCore

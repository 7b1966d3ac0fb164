// FlowGenerate: see ARCHITECTURE.md. Contents arrive with their issue work.
import FlowCore

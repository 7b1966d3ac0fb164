// FlowReports: see ARCHITECTURE.md. Contents arrive with issue 8.
import FlowCore

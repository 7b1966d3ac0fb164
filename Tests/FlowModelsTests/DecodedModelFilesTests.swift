import Testing
@testable import FlowModels

@Suite struct DecodedModelFilesTests {
    struct Broken: Error {}

    @Test func aFileIsDecodedOnceAndAFailureIsNotKept() throws {
        let files = DecodedModelFiles()
        var decodes = 0
        for _ in 0..<3 {
            let v = files.value(at: "/m/graph.json") { () -> [Int] in decodes += 1; return [1, 2] }
            #expect(v == [1, 2])
        }
        #expect(decodes == 1)
        #expect(files.value(at: "/m/other.json") { () -> [Int] in decodes += 1; return [3] } == [3])
        #expect(decodes == 2)
        var attempts = 0
        for _ in 0..<2 {
            #expect(throws: Broken.self) {
                try files.value(at: "/m/bad.json") { () throws -> Int in attempts += 1; throw Broken() }
            }
        }
        #expect(attempts == 2)
    }
}

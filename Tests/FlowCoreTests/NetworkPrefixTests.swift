import Foundation
import Testing
import FlowCore

@Suite struct NetworkPrefixTests {
    @Test func containsV4AndV6Addresses() throws {
        let v4 = try NetworkPrefix.parse("10.1.0.0/16").get()
        #expect(v4.contains(IPAddress("10.1.200.3")!) && !v4.contains(IPAddress("10.2.0.1")!))
        #expect(!v4.contains(IPAddress("::a01:1")!))  // IPv4-compatible IPv6 is not v4-mapped
        let v6 = try NetworkPrefix.parse("fd00::/8").get()
        #expect(v6.contains(IPAddress("fd12::1")!) && !v6.contains(IPAddress("fe80::1")!))
        let all = try NetworkPrefix.parse("0.0.0.0/0").get()
        #expect(all.contains(IPAddress("203.0.113.9")!) && !all.contains(IPAddress("2001:db8::1")!))
        let host = try NetworkPrefix.parse("2001:db8::1/128").get()
        #expect(host.contains(IPAddress("2001:db8::1")!) && !host.contains(IPAddress("2001:db8::2")!))
    }

    @Test func refusesWhatIsNotANetwork() {
        #expect(NetworkPrefix("10.0.0.0") == nil)
        #expect(NetworkPrefix("bogus/8") == nil)
        #expect(NetworkPrefix("10.0.0.0/33") == nil)
        #expect(NetworkPrefix("fd00::/129") == nil)
        #expect(NetworkPrefix("10.0.0.0/-1") == nil)
        guard case .failure(let e) = NetworkPrefix.parse("10.0.0.1/8") else { Issue.record("host bits accepted"); return }
        #expect(e.reason.contains("did you mean 10.0.0.0/8"))
    }

    @Test func listsMatchAnyOfTheirNetworks() {
        let list = ["10.0.0.0/8", "192.168.1.0/24", "fd00::/8"].map { NetworkPrefix($0)! }
        #expect(list.contains(address: IPAddress("10.200.1.1")!))
        #expect(list.contains(address: IPAddress("192.168.1.77")!))
        #expect(!list.contains(address: IPAddress("192.168.2.1")!))
        #expect(list.contains(address: IPAddress("fd00:f10e::5")!))
        #expect(!list.contains(address: IPAddress("2001:db8::1")!))
    }

    /// The one default of every stage: RFC 1918 and all of RFC 4193 (fc00::/7, not only fd00::/8).
    @Test func privateRangesAreRFC1918AndRFC4193() {
        #expect(NetworkPrefix.privateRanges.map(\.description) == ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7"])
        #expect(NetworkPrefix.privateRanges.contains(address: IPAddress("fc00::1")!))
        #expect(NetworkPrefix.privateRanges.contains(address: IPAddress("172.31.255.255")!))
        #expect(!NetworkPrefix.privateRanges.contains(address: IPAddress("172.32.0.0")!))
    }

    @Test func codesAsCIDRText() throws {
        let list = ["10.0.0.0/8", "fd00::/8"].map { NetworkPrefix($0)! }
        let json = try JSONEncoder().encode(list)
        #expect(String(decoding: json, as: UTF8.self) == #"["10.0.0.0\/8","fd00::\/8"]"#)
        #expect(try JSONDecoder().decode([NetworkPrefix].self, from: json) == list)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode([NetworkPrefix].self, from: Data(#"["10.0.0.1/8"]"#.utf8)) }
    }
}

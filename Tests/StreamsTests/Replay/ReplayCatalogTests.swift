import FlywheelCore
import Testing
@testable import Streams

struct ReplayCatalogTests {
    @Test func everySuggestedYAMLKeyIsDocumented() throws {
        let t = try TempFolder()
        let p = try t.write("a.csv", "when,x,c,y\n2024-01-01,1,a,p\n2024-01-02,2,b,q\n")
        var m = try DatasetInspector.describe(path: p).mapping
        m.slice = "c"
        m.delimiter = ";"
        let keys = DatasetInspector.yaml(m).split(separator: "\n").dropFirst(2)
            .map { String($0.trimmingCharacters(in: .whitespaces).prefix { $0 != ":" }) }
        let documented = Set(ReplayCatalog.replay.parameters.map(\.name))
        #expect(keys.count >= 12)
        for k in keys { #expect(documented.contains(k), "\(k) is not in the catalog") }
        #expect(ReplayCatalog.all.allSatisfy { !$0.summary.isEmpty && !$0.reference.isEmpty })
    }
}

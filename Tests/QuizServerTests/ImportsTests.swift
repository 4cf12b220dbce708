import Foundation
import Testing

/// Every module a target imports is declared as its dependency in Package.swift (SwiftPM lets a target reach a
/// module it gets only through another, until that other one changes), and only `HTTP` reaches a C module.
@Suite("Imports match Package.swift")
struct ImportsTests {
    /// The toolchain's own modules, which no target declares.
    static let system: Set<String> = [
        "Foundation", "FoundationEssentials", "Dispatch", "Glibc", "Synchronization", "Testing", "XCTest",
        "_Concurrency", "Observation",
    ]
    static let cModules: Set<String> = ["CMicroHTTPD", "CZlib"]

    /// A target of Package.swift: its name, its folder, and the modules its dependencies provide.
    struct Target {
        var name: String
        var folder: String
        var modules: Set<String>
    }

    /// Reads the targets from Package.swift's text: each `.target(`, `.executableTarget(` or `.testTarget(` call,
    /// its `name:`, its string dependencies, and the `name:` of each `.product(` (a product's module has its name).
    static func targets() throws -> [Target] {
        try targets(
            manifest: String(contentsOf: Repository.root.appendingPathComponent("Package.swift"), encoding: .utf8)
        )
    }

    static func targets(manifest: String) -> [Target] {
        var targets: [Target] = []
        for kind in [".target(", ".executableTarget(", ".testTarget("] {
            var rest = manifest[...]
            while let start = rest.range(of: kind) {
                let call = balanced(rest[start.upperBound...])
                rest = rest[start.upperBound...]
                guard let name = firstMatch(#"name:\s*"([^"]+)""#, in: call) else { continue }
                var modules: Set<String> = []
                if let range = call.range(of: "dependencies:") {
                    let list = call[range.upperBound...]
                    let array = balanced(list.drop { $0 != "[" }.dropFirst(), open: "[", close: "]")
                    var remaining = array[...]
                    // Products first: `.product(name: "Logging", package: ...)`, then the plain target names.
                    while let product = remaining.range(of: ".product(") {
                        let inner = balanced(remaining[product.upperBound...])
                        if let module = firstMatch(#"name:\s*"([^"]+)""#, in: inner) { modules.insert(module) }
                        remaining.replaceSubrange(product.lowerBound..<inner.endIndex, with: "")
                    }
                    for match in allMatches(#""([^"]+)""#, in: String(remaining)) { modules.insert(match) }
                }
                let folder = kind == ".testTarget(" ? "Tests/\(name)" : "Sources/\(name)"
                targets.append(Target(name: name, folder: folder, modules: modules))
            }
        }
        return targets
    }

    /// Each import line of a target's Swift files: the module and the file.
    static func imports(in folder: String) throws -> [(module: String, file: String)] {
        let root = Repository.root.appendingPathComponent(folder)
        guard let files = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil) else { return [] }
        var found: [(String, String)] = []
        for case let url as URL in files where url.pathExtension == "swift" {
            let text = try String(contentsOf: url, encoding: .utf8)
            for line in text.split(separator: "\n") {
                if let module = firstMatch(
                    #"^(?:@testable\s+)?(?:(?:public|package|internal|fileprivate|private)\s+)?import\s+(?:(?:struct|class|enum|protocol|func|typealias|var|let)\s+)?([A-Za-z_][A-Za-z0-9_]*)"#,
                    in: Substring(line)
                ) {
                    found.append((module, url.lastPathComponent))
                }
            }
        }
        return found
    }

    @Test func everyImportIsADeclaredDependency() throws {
        let targets = try Self.targets()
        #expect(targets.count >= 8, "Package.swift's targets were read: \(targets.map(\.name))")
        for target in targets {
            let imports = try Self.imports(in: target.folder)
            #expect(!imports.isEmpty, "\(target.name) has Swift files with imports")
            for (module, file) in Self.undeclared(imports, in: target) {
                Issue.record(
                    "\(target.folder)/\(file) imports \(module), which Package.swift does not declare for \(target.name)"
                )
            }
        }
    }

    @Test func onlyHTTPReachesACModuleAndItImportsThemInternally() throws {
        for target in try Self.targets() where target.name != "HTTP" {
            #expect(target.modules.isDisjoint(with: Self.cModules), "\(target.name) depends on a C module")
            for (module, file) in try Self.imports(in: target.folder) where Self.cModules.contains(module) {
                Issue.record("\(target.folder)/\(file) imports the C module \(module)")
            }
        }
        let http = Repository.root.appendingPathComponent("Sources/HTTP")
        for name in try FileManager.default.contentsOfDirectory(atPath: http.path) where name.hasSuffix(".swift") {
            let text = try String(contentsOf: http.appendingPathComponent(name), encoding: .utf8)
            for line in text.split(separator: "\n")
            where line.contains("import CMicroHTTPD") || line.contains("import CZlib") {
                #expect(line.hasPrefix("internal import "), "Sources/HTTP/\(name): \(line)")
            }
        }
    }

    /// The imports of `target` that are neither declared, nor the toolchain's, nor the target itself.
    static func undeclared(_ imports: [(module: String, file: String)], in target: Target) -> [(String, String)] {
        imports.filter {
            !system.contains($0.module) && $0.module != target.name && !target.modules.contains($0.module)
        }
    }

    @Test func theCheckCatchesAnUndeclaredImport() throws {
        // The check itself can fail: a manifest whose Store does not declare Logging, read the same way.
        let manifest = """
            .target(
                name: "Store",
                dependencies: [
                    .product(name: "GRDB", package: "GRDB.swift"),
                    "QuizCore",
                ]
            ),
            """
        let store = try #require(Self.targets(manifest: manifest).first)
        #expect(store.name == "Store")
        #expect(store.modules == ["GRDB", "QuizCore"])
        let found = Self.undeclared(
            [("Foundation", "a.swift"), ("GRDB", "a.swift"), ("Logging", "b.swift")],
            in: store
        )
        #expect(found.map(\.0) == ["Logging"])
    }

    /// The text inside a call or array whose opening bracket is just before `text`, up to its matching close.
    static func balanced(_ text: Substring, open: Character = "(", close: Character = ")") -> Substring {
        var depth = 1
        var index = text.startIndex
        var inString = false
        while index < text.endIndex {
            let character = text[index]
            if character == "\"" { inString.toggle() }
            if !inString {
                if character == open { depth += 1 }
                if character == close {
                    depth -= 1
                    if depth == 0 { return text[text.startIndex..<index] }
                }
            }
            index = text.index(after: index)
        }
        return text
    }

    static func firstMatch(_ pattern: String, in text: Substring) -> String? {
        allMatches(pattern, in: String(text)).first
    }

    static func allMatches(_ pattern: String, in text: String) -> [String] {
        guard let regex = try? NSRegularExpression(pattern: pattern, options: [.anchorsMatchLines]) else { return [] }
        let range = NSRange(text.startIndex..., in: text)
        return regex.matches(in: text, range: range).compactMap { match in
            Range(match.range(at: 1), in: text).map { String(text[$0]) }
        }
    }
}

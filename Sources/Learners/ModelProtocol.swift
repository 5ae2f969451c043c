import Foundation

/// The framed binary protocol Flywheel speaks with a user's model program
/// (`docs/model-protocol.md`): `u32` length, `u8` kind, payload; little-endian; `f64` arrays
/// row-major; `str` = `u32` byte count + UTF-8.
public enum ModelProtocol {
    public static let version: UInt16 = 1
    /// The largest frame either side may send (kind + payload).
    public static let maxFrame = 1 << 30

    public enum Kind: UInt8, Sendable {
        case hello = 0x01, fit = 0x02, predict = 0x03, drop = 0x04, bye = 0x05
        case helloOK = 0x81, fitOK = 0x82, predictOK = 0x83, dropOK = 0x84, error = 0xFF
    }

    /// What the program is told of the run.
    public struct Hello: Hashable, Sendable {
        public var seed: UInt64
        /// Number of classes; 0 for regression.
        public var classes: Int
        public var features: [(name: String, categorical: Bool)]
        /// The scenario's parameters for the model, as a JSON object.
        public var parameters: String

        public init(seed: UInt64, classes: Int, features: [(name: String, categorical: Bool)], parameters: String = "{}") {
            self.seed = seed
            self.classes = classes
            self.features = features
            self.parameters = parameters
        }

        public static func == (a: Hello, b: Hello) -> Bool {
            a.seed == b.seed && a.classes == b.classes && a.parameters == b.parameters
                && a.features.map(\.name) == b.features.map(\.name) && a.features.map(\.categorical) == b.features.map(\.categorical)
        }

        public func hash(into h: inout Hasher) {
            h.combine(seed)
            h.combine(classes)
            h.combine(parameters)
            for f in features { h.combine(f.name); h.combine(f.categorical) }
        }
    }

    /// A reply of the program, decoded and checked for shape.
    public enum Reply: Equatable, Sendable {
        case helloOK(version: UInt16, name: String)
        case fitOK(model: UInt64)
        case predictOK(rows: Int, width: Int, values: [Double])
        case dropOK
        case error(String)

        public var kindName: String {
            switch self {
            case .helloOK: return "hello ok"
            case .fitOK: return "fit ok"
            case .predictOK: return "predict ok"
            case .dropOK: return "drop ok"
            case .error: return "error"
            }
        }
    }

    /// A frame that could not be decoded.
    public struct Malformed: Error, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }

    // MARK: Encoding (Flywheel → program)

    /// The frame of a message: length, kind, payload.
    static func frame(_ kind: Kind, _ payload: (inout Writer) -> Void) -> [UInt8] {
        var w = Writer()
        w.bytes = [0, 0, 0, 0, kind.rawValue]
        payload(&w)
        let length = UInt32(w.bytes.count - 4)
        withUnsafeBytes(of: length.littleEndian) { for (i, b) in $0.enumerated() { w.bytes[i] = b } }
        return w.bytes
    }

    public static func hello(_ h: Hello) -> [UInt8] {
        frame(.hello) { w in
            w.u16(version)
            w.u64(h.seed)
            w.u8(h.classes > 0 ? 0 : 1)
            w.u32(UInt32(h.classes))
            w.u32(UInt32(h.features.count))
            for f in h.features {
                w.str(f.name)
                w.u8(f.categorical ? 1 : 0)
            }
            w.str(h.parameters)
        }
    }

    /// A fit of `rows` rows of `features` (row-major, `dimension` wide) with their labels.
    public static func fit(seed: UInt64, warmStart: UInt64?, rows: Int, dimension: Int, features: UnsafeBufferPointer<Double>,
                           labels: UnsafeBufferPointer<Double>, weights: UnsafeBufferPointer<Double>? = nil) -> [UInt8] {
        frame(.fit) { w in
            w.u64(seed)
            w.i64(warmStart.map { Int64(bitPattern: $0) } ?? -1)
            w.u32(UInt32(rows))
            w.f64(UnsafeBufferPointer(rebasing: features[0..<(rows * dimension)]))
            w.f64(UnsafeBufferPointer(rebasing: labels[0..<rows]))
            if let weights {
                w.u8(1)
                w.f64(UnsafeBufferPointer(rebasing: weights[0..<rows]))
            } else {
                w.u8(0)
            }
        }
    }

    public static func predict(model: UInt64, rows: Int, dimension: Int, features: UnsafeBufferPointer<Double>) -> [UInt8] {
        frame(.predict) { w in
            w.u64(model)
            w.u32(UInt32(rows))
            w.f64(UnsafeBufferPointer(rebasing: features[0..<(rows * dimension)]))
        }
    }

    public static func drop(model: UInt64) -> [UInt8] { frame(.drop) { $0.u64(model) } }
    public static var bye: [UInt8] { frame(.bye) { _ in } }

    // MARK: Decoding (program → Flywheel)

    /// Decodes a reply's kind and payload (the bytes after the length field).
    public static func decodeReply(_ body: [UInt8]) throws -> Reply {
        guard let first = body.first else { throw Malformed(message: "an empty frame") }
        guard let kind = Kind(rawValue: first), kind.rawValue >= 0x81 else {
            throw Malformed(message: String(format: "a reply of unknown kind 0x%02x", first))
        }
        var r = Reader(bytes: body, at: 1)
        let reply: Reply
        switch kind {
        case .helloOK: reply = .helloOK(version: try r.u16(), name: try r.str())
        case .fitOK: reply = .fitOK(model: try r.u64())
        case .predictOK:
            let rows = Int(try r.u32()), width = Int(try r.u32())
            guard rows <= maxFrame / 8, width <= maxFrame / 8, rows * width * 8 == body.count - r.at else {
                throw Malformed(message: "predict ok says \(rows) × \(width) values but carries \(body.count - r.at) bytes")
            }
            reply = .predictOK(rows: rows, width: width, values: try r.f64(rows * width))
        case .dropOK: reply = .dropOK
        case .error: reply = .error(try r.str())
        default: throw Malformed(message: "a reply of kind \(kind) is not a reply")
        }
        guard r.at == body.count else { throw Malformed(message: "\(body.count - r.at) bytes after the end of \(reply.kindName)") }
        return reply
    }

    struct Writer {
        var bytes: [UInt8] = []
        mutating func u8(_ v: UInt8) { bytes.append(v) }
        mutating func u16(_ v: UInt16) { withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) } }
        mutating func u32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) } }
        mutating func u64(_ v: UInt64) { withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) } }
        mutating func i64(_ v: Int64) { withUnsafeBytes(of: v.littleEndian) { bytes.append(contentsOf: $0) } }
        mutating func str(_ s: String) {
            let utf8 = Array(s.utf8)
            u32(UInt32(utf8.count))
            bytes.append(contentsOf: utf8)
        }
        /// Doubles as little-endian binary64 (this platform's order: one copy of the buffer).
        mutating func f64(_ v: UnsafeBufferPointer<Double>) {
            bytes.reserveCapacity(bytes.count + 8 * v.count)
            if UInt16(1).littleEndian == 1 {
                bytes.append(contentsOf: UnsafeRawBufferPointer(v))
            } else {
                for x in v { u64(x.bitPattern) }
            }
        }
    }

    struct Reader {
        let bytes: [UInt8]
        var at: Int
        mutating func take(_ n: Int) throws -> ArraySlice<UInt8> {
            guard n >= 0, at + n <= bytes.count else { throw Malformed(message: "a reply shorter than its fields") }
            defer { at += n }
            return bytes[at..<(at + n)]
        }
        mutating func integer<T: FixedWidthInteger>(_: T.Type) throws -> T {
            let s = try take(MemoryLayout<T>.size)
            var v: T = 0
            for (i, b) in s.enumerated() { v |= T(b) << (8 * i) }
            return v
        }
        mutating func u16() throws -> UInt16 { try integer(UInt16.self) }
        mutating func u32() throws -> UInt32 { try integer(UInt32.self) }
        mutating func u64() throws -> UInt64 { try integer(UInt64.self) }
        mutating func str() throws -> String {
            let n = Int(try u32())
            guard let s = String(validating: try take(n), as: UTF8.self) else { throw Malformed(message: "a text that is not UTF-8") }
            return s
        }
        mutating func f64(_ n: Int) throws -> [Double] {
            let s = try take(8 * n)
            return [Double](unsafeUninitializedCapacity: n) { buffer, count in
                s.withUnsafeBytes { raw in
                    for i in 0..<n { buffer[i] = Double(bitPattern: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: 8 * i, as: UInt64.self))) }
                }
                count = n
            }
        }
    }
}

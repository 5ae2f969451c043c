#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Allocation-free parsing of CSV field bytes: missing-value tokens and numbers.
enum FieldParse {
    /// True when a cell is missing: empty, or one of `NA`, `N/A`, `NaN`, `null`, `None`, `?`
    /// (case-insensitive; `?` is ARFF's missing value).
    @inline(__always)
    static func isMissing(_ f: UnsafeBufferPointer<UInt8>) -> Bool {
        switch f.count {
        case 0: return true
        case 1: return f[0] == 63 // ?
        case 2: return lower(f[0]) == 110 && lower(f[1]) == 97 // na
        case 3:
            let a = lower(f[0]), b = f[1], c = lower(f[2])
            return (a == 110 && lower(b) == 97 && c == 110) || (a == 110 && b == 47 && c == 97) // nan, n/a
        case 4:
            return (lower(f[0]) == 110 && lower(f[1]) == 117 && lower(f[2]) == 108 && lower(f[3]) == 108) // null
                || (lower(f[0]) == 110 && lower(f[1]) == 111 && lower(f[2]) == 110 && lower(f[3]) == 101) // none
        default: return false
        }
    }

    @inline(__always) static func lower(_ c: UInt8) -> UInt8 { c >= 65 && c <= 90 ? c | 0x20 : c }

    /// Parses a decimal number (C `strtod` grammar, C locale) that fills the whole field;
    /// nil when the field is not entirely a number.
    ///
    /// - Complexity: O(field length); copies into a stack buffer, no heap allocation for fields
    ///   shorter than 128 bytes.
    @inline(__always)
    static func double(_ f: UnsafeBufferPointer<UInt8>) -> Double? {
        let n = f.count
        guard n > 0, let src = f.baseAddress else { return nil }
        // Fast path: plain decimals of at most 15 significant digits and no exponent are exact
        // as integer / power of ten (both exactly representable), so one correctly rounded
        // division gives the correctly rounded value.
        var i = 0
        var negative = false
        if src[0] == 45 || src[0] == 43 { negative = src[0] == 45; i = 1 }
        var mantissa: UInt64 = 0
        var digits = 0
        var fraction = 0
        var seenDot = false
        var anyDigit = false
        var simple = i < n
        while i < n {
            let c = src[i]
            if c >= 48 && c <= 57 {
                anyDigit = true
                if mantissa != 0 || c != 48 { digits += 1 }
                mantissa = mantissa &* 10 &+ UInt64(c - 48)
                if seenDot { fraction += 1 }
            } else if c == 46 && !seenDot {
                seenDot = true
            } else { simple = false; break }
            i += 1
        }
        if simple && anyDigit && digits <= 15 && fraction <= 22 {
            var v = Double(mantissa)
            if fraction > 0 { v /= powersOfTen[fraction] }
            return negative ? -v : v
        }
        return withUnsafeTemporaryAllocation(of: CChar.self, capacity: n + 1) { tmp in
            let base = tmp.baseAddress!
            for k in 0..<n { base[k] = CChar(bitPattern: src[k]) }
            base[n] = 0
            var endPtr: UnsafeMutablePointer<CChar>? = nil
            let v = strtod(base, &endPtr)
            guard let e = endPtr, e == base + n else { return nil }
            return v
        }
    }

    static let powersOfTen: [Double] = (0...22).map { p in
        var v = 1.0
        for _ in 0..<p { v *= 10 }
        return v
    }
}

/// A vocabulary of byte strings with codes in first-seen order, looked up without allocation
/// (open addressing on an FNV-1a hash). Used for classes, categories and slices.
struct ByteVocabulary {
    private(set) var entries: [[UInt8]] = []
    private var hashes: [UInt64] = []
    private var slots: [Int32] = Array(repeating: -1, count: 16)

    init() {}

    init(_ names: [String]) {
        for n in names { _ = insert(Array(n.utf8)) }
    }

    var count: Int { entries.count }
    var names: [String] { entries.map { String(decoding: $0, as: UTF8.self) } }

    @inline(__always)
    static func hash(_ b: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for c in b { h = (h ^ UInt64(c)) &* 0x100_0000_01b3 }
        return h
    }

    /// The code of `bytes`, or nil when it is not in the vocabulary.
    ///
    /// - Complexity: O(length) expected; no allocation.
    @inline(__always)
    func code(of bytes: UnsafeBufferPointer<UInt8>) -> Int32? {
        let h = ByteVocabulary.hash(bytes)
        let mask = slots.count - 1
        var s = Int(truncatingIfNeeded: h) & mask
        while true {
            let e = slots[s]
            if e < 0 { return nil }
            if hashes[Int(e)] == h && entries[Int(e)].elementsEqual(bytes) { return e }
            s = (s + 1) & mask
        }
    }

    /// The code of `bytes`, adding it at the end when it is new.
    mutating func insert(_ bytes: UnsafeBufferPointer<UInt8>) -> Int32 {
        if let c = code(of: bytes) { return c }
        return insert(Array(bytes))
    }

    private mutating func insert(_ bytes: [UInt8]) -> Int32 {
        if let c = bytes.withUnsafeBufferPointer({ code(of: $0) }) { return c }
        let newCode = Int32(entries.count)
        let h = bytes.withUnsafeBufferPointer { ByteVocabulary.hash($0) }
        entries.append(bytes)
        hashes.append(h)
        if entries.count * 2 > slots.count {
            slots = Array(repeating: -1, count: slots.count * 2)
            for (i, eh) in hashes.enumerated() { place(eh, Int32(i)) }
        } else {
            place(h, newCode)
        }
        return newCode
    }

    private mutating func place(_ h: UInt64, _ code: Int32) {
        let mask = slots.count - 1
        var s = Int(truncatingIfNeeded: h) & mask
        while slots[s] >= 0 { s = (s + 1) & mask }
        slots[s] = code
    }
}



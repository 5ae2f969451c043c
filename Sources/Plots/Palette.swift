import Foundation

/// The colour-blind-safe categorical palette of Okabe & Ito (2008, "Color Universal Design"),
/// ordered for lines on white: the pale yellow comes last. Series beyond the eighth reuse the
/// colours with a dash pattern (see ``Palette/dash(for:)``), so no two series look the same.
public enum Palette {
    /// Blue, vermillion, bluish green, orange, reddish purple, sky blue, black, yellow.
    public static let okabeIto: [String] = [
        "#0072B2", "#D55E00", "#009E73", "#E69F00", "#CC79A7", "#56B4E9", "#000000", "#F0E442",
    ]

    /// The colour of series `index` (wrapping after eight).
    public static func color(_ index: Int) -> String {
        let n = okabeIto.count
        return okabeIto[((index % n) + n) % n]
    }

    /// The dash pattern of series `index`: none for the first eight, then a distinct pattern
    /// for each further cycle of eight colours.
    public static func dash(for index: Int) -> String? {
        let cycle = Swift.max(index, 0) / okabeIto.count
        let patterns = ["7 4", "2 3", "9 3 2 3", "4 2 1 2 1 2"]
        if cycle == 0 { return nil }
        return patterns[(cycle - 1) % patterns.count]
    }

    /// Viridis (van der Walt & Smith, matplotlib 1.5), sampled at nine evenly spaced points;
    /// ``viridis(_:)`` interpolates linearly between them in sRGB.
    static let viridisAnchors: [(Double, Double, Double)] = [
        (0x44, 0x01, 0x54), (0x47, 0x2D, 0x7B), (0x3B, 0x52, 0x8B), (0x2C, 0x72, 0x8E),
        (0x21, 0x90, 0x8C), (0x27, 0xAD, 0x81), (0x5D, 0xC8, 0x63), (0xAA, 0xDC, 0x32),
        (0xFD, 0xE7, 0x25),
    ]

    /// The viridis colour at `t` in 0…1 (clamped; NaN gives mid grey), as `#RRGGBB`.
    public static func viridis(_ t: Double) -> String {
        let (r, g, b) = viridisRGB(t)
        return hex(r, g, b)
    }

    static func viridisRGB(_ t: Double) -> (Double, Double, Double) {
        guard t.isFinite else { return (0x99, 0x99, 0x99) }
        let c = Swift.min(Swift.max(t, 0), 1)
        let pos = c * Double(viridisAnchors.count - 1)
        let i = Swift.min(Int(pos), viridisAnchors.count - 2)
        let f = pos - Double(i)
        let a = viridisAnchors[i], b = viridisAnchors[i + 1]
        return (a.0 + (b.0 - a.0) * f, a.1 + (b.1 - a.1) * f, a.2 + (b.2 - a.2) * f)
    }

    /// Relative luminance (WCAG 2.x) of an sRGB colour given in 0…255 channels.
    static func luminance(_ r: Double, _ g: Double, _ b: Double) -> Double {
        func lin(_ c: Double) -> Double {
            let s = c / 255
            return s <= 0.03928 ? s / 12.92 : pow((s + 0.055) / 1.055, 2.4)
        }
        return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b)
    }

    /// Black or white, whichever contrasts more with the background (WCAG contrast ratio).
    static func contrastingText(_ r: Double, _ g: Double, _ b: Double) -> String {
        let l = luminance(r, g, b)
        let withBlack = (l + 0.05) / 0.05
        let withWhite = 1.05 / (l + 0.05)
        return withBlack >= withWhite ? "#000000" : "#FFFFFF"
    }

    static func hex(_ r: Double, _ g: Double, _ b: Double) -> String {
        let digits = Array("0123456789ABCDEF")
        var s = "#"
        for c in [r, g, b] {
            let v = Swift.min(Swift.max(Int(c.rounded()), 0), 255)
            s.append(digits[v / 16]); s.append(digits[v % 16])
        }
        return s
    }
}

import FlywheelCore
public enum DetectorCatalog {
    public static func make(_ name: String, parameters: [String: Double]) throws -> any DriftDetector { throw FlywheelError("unknown detector \(name)") }
}

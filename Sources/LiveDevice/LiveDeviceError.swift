/// Why the live device could not start or keep running. Each description is one line that says what was
/// expected, what was found, and what to do about it.
public struct LiveDeviceError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ description: String) { self.description = description }
}

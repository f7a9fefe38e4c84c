/// The passphrase of the replicas tests enroll (with `PassphraseCost.lowest`), and of the `samenspel`
/// processes they start (``environment``).
public enum TestPassphrase {
    /// The passphrase.
    public static let text = "correct horse battery staple"
    /// The environment entry that gives it to a `samenspel` process.
    public static let environment = ["SAMENSPEL_PASSPHRASE": text]
}

/// A duration in milliseconds with two decimals at most, as access logs and `serve status`
/// show it: `0.42ms`.
func formatMilliseconds(_ d: Duration) -> String {
  let ms = Double(d.nanoseconds) / 1e6
  let hundredths = (ms * 100).rounded() / 100
  return "\(hundredths)ms"
}

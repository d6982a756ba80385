/// The media type of a `Content-Type` or `Accept` value, lowercased, without parameters.
func mediaType(_ header: String?) -> String? {
  guard let header else { return nil }
  // What nearly every client sends, answered without splitting and lowercasing: this runs
  // for Content-Type and Accept on every prediction.
  if header == "application/json" || header == "*/*" { return header }
  let first = header.split(separator: ",").first ?? ""
  let type = (first.split(separator: ";").first.map(String.init) ?? "").trimmingSpaces.lowercased()
  return type.isEmpty ? nil : type
}

import Model

/// `GET /model`: the model's signature as JSON.
enum ModelDocument {
  static func json(for model: Model, version: String) -> [UInt8] {
    let s = model.signature
    var w = JSONWriter(capacity: 1024)
    w.raw("{")
    w.key("name")
    w.string(model.name)
    w.raw(",")
    w.key("version")
    w.string(version)
    w.raw(",")
    w.key("task")
    w.string(s.task.rawValue)
    w.raw(",")
    w.key("description")
    if let d = s.description { w.string(d) } else { w.raw("null") }
    w.raw(",")
    w.key("features")
    w.raw("[")
    var first = true
    for f in s.features {
      w.separator(&first)
      writeFeature(f, to: &w)
    }
    w.raw("],")
    w.key("classes")
    w.raw("[")
    first = true
    for c in s.classLabels {
      w.separator(&first)
      w.label(c)
    }
    w.raw("],")
    w.key("inputs")
    writeTensors(s.inputs, to: &w)
    w.raw(",")
    w.key("outputs")
    writeTensors(s.outputs, to: &w)
    w.raw(",")
    w.key("producer")
    w.string(model.info.producer)
    w.raw(",")
    w.key("opsets")
    w.raw("{")
    first = true
    for (domain, v) in model.info.opsets.sorted(by: { $0.key < $1.key }) {
      w.separator(&first)
      w.key(domain)
      w.integer(v)
    }
    w.raw("},")
    w.key("sha256")
    w.string(model.info.sha256)
    w.raw("}")
    return w.bytes
  }

  static func writeFeature(_ f: Feature, to w: inout JSONWriter) {
    w.raw("{")
    w.key("name")
    w.string(f.name)
    w.raw(",")
    w.key("type")
    w.string(f.type.jsonType)
    if let lo = f.minimum {
      w.raw(",")
      w.key("minimum")
      w.number(lo)
    }
    if let hi = f.maximum {
      w.raw(",")
      w.key("maximum")
      w.number(hi)
    }
    if let d = f.defaultValue {
      w.raw(",")
      w.key("default")
      w.featureValue(d)
    }
    if let d = f.description {
      w.raw(",")
      w.key("description")
      w.string(d)
    }
    if let u = f.unit {
      w.raw(",")
      w.key("unit")
      w.string(u)
    }
    if let c = f.categories {
      w.raw(",")
      w.key("categories")
      w.strings(c)
    }
    w.raw("}")
  }

  private static func writeTensors(_ tensors: [TensorInfo], to w: inout JSONWriter) {
    w.raw("[")
    var first = true
    for t in tensors {
      w.separator(&first)
      w.raw("{")
      w.key("name")
      w.string(t.name)
      w.raw(",")
      w.key("type")
      w.string(t.typeDescription)
      w.raw("}")
    }
    w.raw("]")
  }
}

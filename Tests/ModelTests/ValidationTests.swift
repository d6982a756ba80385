import Model
import Testing

@Suite("Validation lists every problem with a row")
struct ValidationTests {
  let iris: Model

  init() throws { iris = try Model.builtIn(named: "iris") }

  @Test("the embedded iris model names its features and classes") func irisSignature() {
    #expect(iris.signature.featureNames == ["sepal_length", "sepal_width", "petal_length", "petal_width"])
    #expect(iris.signature.classLabels.map(\.description) == ["setosa", "versicolor", "virginica"])
    #expect(iris.signature.task == .classification)
    #expect(iris.signature.feature(named: "petal_length")?.unit == "cm")
  }

  @Test("a valid row predicts a label whose probability is the largest") func predicts() throws {
    let p = try iris.predict([
      "sepal_length": .number(6.3), "sepal_width": .number(3.3), "petal_length": .number(6.0),
      "petal_width": .number(2.5),
    ])
    #expect(p.label == .string("virginica"))
    let best = p.probabilities.max { $0.probability < $1.probability }
    #expect(best?.label == p.label)
    #expect(p.defaultsUsed.isEmpty)
  }

  @Test("missing features take the schema's defaults and say so") func defaults() throws {
    let p = try iris.predict(["petal_length": .number(1.4)])
    #expect(p.defaultsUsed == ["sepal_length", "sepal_width", "petal_width"])
  }

  @Test("every problem is listed at once") func everyProblem() {
    let issues = iris.validate(
      [
        "sepal_length": .string("long"), "sepal_width": .number(.nan), "petal_length": .number(99),
        "petal_widht": .number(1),
      ],
      policy: .init(enforceRanges: true, useDefaults: false))
    let byFeature = Dictionary(grouping: issues, by: \.feature)
    #expect(byFeature["sepal_length"]?.first?.kind == .wrongType(expected: .number))
    #expect(byFeature["sepal_width"]?.first?.kind == .notFinite)
    #expect(byFeature["petal_length"]?.first?.kind == .aboveMaximum(6.9))
    #expect(byFeature["petal_width"]?.first?.kind == .missing)
    let unknown = byFeature["petal_widht"]?.first
    #expect(unknown?.reason.contains("did you mean petal_width?") == true)
    #expect(issues.count == 5)
  }

  @Test("numeric strings are accepted as Pydantic's lax mode does") func laxNumbers() throws {
    let p = try iris.predict(["petal_length": .string("4.5")])
    #expect(p.label != nil)
  }

  @Test("a batch reports the row of each problem") func batchRows() {
    #expect(throws: ModelError.self) {
      _ = try iris.predict(rows: [["petal_length": .number(1)], ["petal_length": .bool(true)]])
    }
    do {
      _ = try iris.predict(rows: [["petal_length": .number(1)], ["petal_length": .bool(true)]])
    } catch {
      #expect(error.issues.map(\.row) == [1])
      #expect(error.issues.first?.description.hasPrefix("row 2: petal_length") == true)
    }
  }

  @Test("the diabetes regressor predicts a value") func diabetes() throws {
    let model = try Model.builtIn(named: "diabetes")
    #expect(model.signature.task == .regression)
    let p = try model.predict([:])
    #expect(p.value != nil)
    #expect(p.defaultsUsed.count == model.signature.features.count)
  }

  @Test("an unknown built-in model lists the known ones") func unknownBuiltIn() {
    #expect(throws: ModelError.self) { _ = try Model.builtIn(named: "irsi") }
  }
}

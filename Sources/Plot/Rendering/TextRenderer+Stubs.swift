extension TextRenderer {
  func barLines(_ plot: Plot, _ bars: [Bar], size: CanvasSize) -> [StyledLine] { [] }
  func histogramLines(_ plot: Plot, _ h: Histogram, size: CanvasSize) -> [StyledLine] { [] }
  func heatmapLines(_ plot: Plot, _ h: Heatmap, size: CanvasSize) -> [StyledLine] { [] }
}

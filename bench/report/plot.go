package report

import (
	"fmt"
	"image/color"
	"math"
	"os"
	"path/filepath"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// A Series is one implementation's line on the scaling plot: the median
// cost per operation at each N.
type Series struct {
	Label  string
	Points []Point
}

// A Point is one median: at size N, Value per operation.
type Point struct {
	N     int
	Value float64
}

// The series' styles: each index differs from the others in colour, glyph
// and dash pattern at once, so lines stay apart in grey, for readers who
// do not tell colours apart, and where lines overlap. The colours are the
// Okabe–Ito palette (with a grey for its yellow, which is unreadable on
// white); past the lists' ends the combinations still differ because the
// lists have different lengths.
var (
	palette = []color.RGBA{
		{R: 0x00, G: 0x72, B: 0xb2, A: 0xff}, // blue
		{R: 0xd5, G: 0x5e, B: 0x00, A: 0xff}, // vermillion
		{R: 0x00, G: 0x9e, B: 0x73, A: 0xff}, // bluish green
		{R: 0xcc, G: 0x79, B: 0xa7, A: 0xff}, // reddish purple
		{R: 0xe6, G: 0x9f, B: 0x00, A: 0xff}, // orange
		{R: 0x56, G: 0xb4, B: 0xe9, A: 0xff}, // sky blue
		{R: 0x00, G: 0x00, B: 0x00, A: 0xff}, // black
		{R: 0x80, G: 0x80, B: 0x80, A: 0xff}, // grey
	}
	shapes = []draw.GlyphDrawer{
		draw.CircleGlyph{}, draw.SquareGlyph{}, draw.PyramidGlyph{}, draw.CrossGlyph{},
		draw.RingGlyph{}, draw.BoxGlyph{}, draw.TriangleGlyph{}, draw.PlusGlyph{},
	}
	dashes = [][]vg.Length{
		nil,
		{vg.Points(6), vg.Points(3)},
		{vg.Points(2), vg.Points(2)},
		{vg.Points(8), vg.Points(3), vg.Points(2), vg.Points(3)},
		{vg.Points(12), vg.Points(4)},
	}
)

// Plot geometry: the legend sits in its own strip under the axes, in
// legendCols columns, so it never covers a line however many series
// there are; the canvas grows by the strip's height.
const (
	plotWidth  = 8 * vg.Inch
	axesHeight = 4.5 * vg.Inch
	legendCols = 2
)

// ScalingPlot writes a log–log plot of cost per operation against N, one
// line per series, to path; the format follows the extension (.svg, .png).
// Series without points are left out; it fails when none has any.
func ScalingPlot(path, title, ylabel string, series []Series) error {
	p := plot.New()
	p.Title.Text = title
	p.X.Label.Text = "N (greenlets spawned, then joined)"
	p.Y.Label.Text = ylabel
	p.X.Scale, p.Y.Scale = plot.LogScale{}, plot.LogScale{}
	p.X.Tick.Marker = logTicks{label: func(v float64) string { return Size(int(v)) }}
	p.Y.Tick.Marker = logTicks{label: Num, between: true}
	p.Add(plotter.NewGrid())
	legends := make([]plot.Legend, legendCols)
	for i := range legends {
		legends[i] = plot.NewLegend()
		legends[i].Left = true
		legends[i].Top = true
		legends[i].TextStyle.Font.Size = vg.Points(10)
		legends[i].ThumbnailWidth = vg.Points(36)
		legends[i].Padding = vg.Points(3)
	}
	var thumbs [][]plot.Thumbnailer // per drawn series, in order
	var labels []string
	for i, s := range series {
		xys := make(plotter.XYs, 0, len(s.Points))
		for _, pt := range s.Points {
			if pt.N > 0 && pt.Value > 0 && !math.IsNaN(pt.Value) && !math.IsInf(pt.Value, 0) {
				xys = append(xys, plotter.XY{X: float64(pt.N), Y: pt.Value})
			}
		}
		if len(xys) == 0 {
			continue
		}
		line, points, err := plotter.NewLinePoints(xys)
		if err != nil {
			return fmt.Errorf("report: plot series %q: %w", s.Label, err)
		}
		c := palette[i%len(palette)]
		line.Color, points.Color = c, c
		line.Width = vg.Points(1.5)
		line.Dashes = dashes[i%len(dashes)]
		points.Shape = shapes[i%len(shapes)]
		points.Radius = vg.Points(3.5)
		p.Add(line, points)
		thumbs = append(thumbs, []plot.Thumbnailer{line, points})
		labels = append(labels, s.Label)
	}
	if len(thumbs) == 0 {
		return fmt.Errorf("report: plot %s: no series has a point", filepath.Base(path))
	}
	// Margins on the log axes, so no glyph sits on the frame.
	p.X.Min, p.X.Max = p.X.Min/1.3, p.X.Max*1.3
	p.Y.Min, p.Y.Max = p.Y.Min/1.4, p.Y.Max*1.4
	// Fill the legend column by column, in the series' order, and make the
	// strip as tall as the longest column.
	perCol := (len(thumbs) + legendCols - 1) / legendCols
	for j := range thumbs {
		legends[j/perCol].Add(labels[j], thumbs[j]...)
	}
	var stripH vg.Length
	for i := range legends {
		r := legends[i].Rectangle(draw.Canvas{})
		stripH = max(stripH, r.Max.Y-r.Min.Y)
	}
	pad := vg.Points(10)
	stripH += 2 * pad

	format := strings.TrimPrefix(strings.ToLower(filepath.Ext(path)), ".")
	canvas, err := draw.NewFormattedCanvas(plotWidth, axesHeight+stripH, format)
	if err != nil {
		return fmt.Errorf("report: plot %s: %w", filepath.Base(path), err)
	}
	dc := draw.New(canvas)
	p.Draw(draw.Crop(dc, 0, 0, stripH, 0))
	left := vg.Points(24) // roughly under the axes, clear of the y label
	colW := (plotWidth - left) / legendCols
	for i := range legends {
		x0 := dc.Min.X + left + vg.Length(i)*colW
		legends[i].Draw(draw.Canvas{Canvas: dc.Canvas, Rectangle: vg.Rectangle{
			Min: vg.Point{X: x0, Y: dc.Min.Y + pad},
			Max: vg.Point{X: x0 + colW, Y: dc.Min.Y + stripH - pad},
		}})
	}
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("report: %w", err)
	}
	if _, err := canvas.WriteTo(f); err != nil {
		f.Close()
		return fmt.Errorf("report: plot %s: %w", filepath.Base(path), err)
	}
	return f.Close()
}

// logTicks marks every power of ten in range with a labelled major tick
// and, with between, labels the 2x and 5x marks too (minor ticks otherwise),
// so that a log axis spanning one decade still reads.
type logTicks struct {
	label   func(float64) string
	between bool
}

func (t logTicks) Ticks(lo, hi float64) []plot.Tick {
	var ticks []plot.Tick
	for e := math.Floor(math.Log10(lo)); math.Pow(10, e) <= hi; e++ {
		d := math.Pow(10, e)
		for m := 1.0; m < 10; m++ {
			v := m * d
			if v < lo || v > hi {
				continue
			}
			tk := plot.Tick{Value: v}
			if m == 1 || (t.between && (m == 2 || m == 5)) {
				tk.Label = t.label(v)
			}
			ticks = append(ticks, tk)
		}
	}
	return ticks
}

package report

import (
	"fmt"
	"image/color"
	"math"
	"path/filepath"

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

// palette gives each series a distinct colour and glyph, so the plot also
// reads in grey.
var palette = []color.RGBA{
	{R: 0x1f, G: 0x77, B: 0xb4, A: 0xff},
	{R: 0xff, G: 0x7f, B: 0x0e, A: 0xff},
	{R: 0x2c, G: 0xa0, B: 0x2c, A: 0xff},
	{R: 0xd6, G: 0x27, B: 0x28, A: 0xff},
	{R: 0x94, G: 0x67, B: 0xbd, A: 0xff},
	{R: 0x8c, G: 0x56, B: 0x4b, A: 0xff},
}

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
	p.Legend.Top = true
	p.Legend.XOffs, p.Legend.YOffs = -vg.Points(8), -vg.Points(24)
	p.Add(plotter.NewGrid())
	drawn := 0
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
		points.Shape = shapes[i%len(shapes)]
		points.Radius = vg.Points(3)
		p.Add(line, points)
		p.Legend.Add(s.Label, line, points)
		drawn++
	}
	if drawn == 0 {
		return fmt.Errorf("report: plot %s: no series has a point", filepath.Base(path))
	}
	// Headroom above the highest line for the legend (top right), and a
	// margin below the lowest.
	p.Y.Max *= math.Pow(10, 0.3*float64(drawn))
	p.Y.Min /= 1.5
	return p.Save(7*vg.Inch, 4.5*vg.Inch, path)
}

var shapes = []draw.GlyphDrawer{
	draw.CircleGlyph{}, draw.SquareGlyph{}, draw.TriangleGlyph{},
	draw.CrossGlyph{}, draw.PlusGlyph{}, draw.RingGlyph{},
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

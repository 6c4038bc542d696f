package bodyview

import (
	"bytes"
	"fmt"
	"image"
	_ "image/gif" // decoders for the preview
	_ "image/jpeg"
	_ "image/png"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
	"golang.org/x/image/draw"
)

const (
	// maxPreviewPixels refuses images that would take too much memory
	// decoded (a small PNG can claim 100000 × 100000 pixels).
	maxPreviewPixels = 64 << 20
	// maxPreviewSide scales large images down once, off the UI goroutine,
	// so the painter never rescales a huge image while drawing.
	maxPreviewSide = 2048
)

// preview is a decoded image, ready to show.
type preview struct {
	img  image.Image   // a raster image, or nil
	svg  fyne.Resource // an SVG, which Fyne draws itself
	info string        // "PNG, 640 × 480", for the caption
}

// decodePreview decodes an image body. It runs on a worker goroutine.
func decodePreview(b *body) (*preview, error) {
	if b.kind == kindSVG {
		return &preview{svg: fyne.NewStaticResource("body.svg", b.data), info: "SVG, " + humanBytes(b.size)}, nil
	}
	cfg, format, err := image.DecodeConfig(bytes.NewReader(b.data))
	if err != nil {
		return nil, fmt.Errorf("the image cannot be decoded: %w", err)
	}
	if int64(cfg.Width)*int64(cfg.Height) > maxPreviewPixels {
		return nil, fmt.Errorf("the image is %d × %d pixels, too large to preview", cfg.Width, cfg.Height)
	}
	img, _, err := image.Decode(bytes.NewReader(b.data))
	if err != nil {
		return nil, fmt.Errorf("the image cannot be decoded: %w", err)
	}
	info := fmt.Sprintf("%s, %d × %d, %s", strings.ToUpper(format), cfg.Width, cfg.Height, humanBytes(b.size))
	if side := max(cfg.Width, cfg.Height); side > maxPreviewSide {
		w := cfg.Width * maxPreviewSide / side
		h := cfg.Height * maxPreviewSide / side
		small := image.NewNRGBA(image.Rect(0, 0, max(w, 1), max(h, 1)))
		draw.ApproxBiLinear.Scale(small, small.Bounds(), img, img.Bounds(), draw.Src, nil)
		img = small
		info += ", shown scaled down"
	}
	return &preview{img: img, info: info}, nil
}

// previewPane shows an image at its size, or scaled down to fit, never up
// (an icon stays sharp).
type previewPane struct {
	box     *fyne.Container
	image   *canvas.Image
	caption *widget.Label
}

func newPreviewPane() *previewPane {
	p := &previewPane{caption: widget.NewLabel("")}
	p.image = &canvas.Image{FillMode: canvas.ImageFillContain, ScaleMode: canvas.ImageScaleSmooth}
	p.box = container.NewBorder(nil, p.caption, nil, nil, container.New(&fitLayout{p: p}, p.image))
	return p
}

func (p *previewPane) show(pv *preview) {
	p.image.Image, p.image.Resource = pv.img, pv.svg
	p.caption.SetText(pv.info)
	p.image.Refresh()
	p.box.Refresh()
}

func (p *previewPane) clear() {
	p.image.Image, p.image.Resource = nil, nil
	p.image.Refresh()
}

// fitLayout centres the image at its own size, scaled down to fit.
type fitLayout struct{ p *previewPane }

func (l *fitLayout) MinSize([]fyne.CanvasObject) fyne.Size { return fyne.NewSize(32, 32) }

func (l *fitLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	w, h := size.Width, size.Height
	if img := l.p.image.Image; img != nil {
		iw, ih := float32(img.Bounds().Dx()), float32(img.Bounds().Dy())
		scale := min(1, w/iw, h/ih)
		w, h = iw*scale, ih*scale
	}
	for _, o := range objs {
		o.Resize(fyne.NewSize(w, h))
		o.Move(fyne.NewPos((size.Width-w)/2, (size.Height-h)/2))
	}
}

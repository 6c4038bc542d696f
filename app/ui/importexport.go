package ui

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"github.com/knockhttp/knock/app/ui/uithread"
	"github.com/knockhttp/knock/storage"
	"github.com/knockhttp/knock/storage/exchange"
)

// Import reads a file or folder into a new collection. The input is read
// and converted on a goroutine; the whole import is one store transaction,
// so a failure leaves nothing behind. A report lists what was imported and
// every item that could not be mapped, with its reason.
//
// showImport offers a file (any format Knock reads) or a folder (a Knock
// collection folder, or a Bruno collection with its bruno.json).
func (k *Window) showImport(at fyne.CanvasObject) {
	menu := fyne.NewMenu("",
		fyne.NewMenuItem("File…", k.showImportFile),
		fyne.NewMenuItem("Folder (Knock or Bruno collection)…", k.showImportFolder))
	c := k.win.Canvas()
	pos := fyne.CurrentApp().Driver().AbsolutePositionForObject(at).AddXY(0, at.Size().Height)
	widget.ShowPopUpMenuAtPosition(menu, c, pos)
}

func (k *Window) showImportFolder() {
	d := dialog.NewFolderOpen(func(dir fyne.ListableURI, err error) {
		if err != nil || dir == nil {
			return
		}
		go k.importFolder(dir.Path())
	}, k.win)
	d.Resize(fyne.NewSize(900, 600))
	d.Show()
}

func (k *Window) importFolder(dir string) {
	var res *exchange.Result
	var err error
	if exchange.IsBrunoFolder(dir) {
		res, err = exchange.ImportBrunoFolder(dir)
	} else {
		res, err = exchange.ImportNativeFolder(dir)
	}
	name := filepath.Base(dir)
	uithread.Do(func() {
		if err != nil {
			dialog.ShowError(fmt.Errorf("import %s: %w", dir, err), k.win)
			return
		}
		if len(res.Report.Secrets) == 0 {
			go k.finishImport(name, res)
			return
		}
		k.askImportSecrets(res, func() { go k.finishImport(name, res) })
	})
}

func (k *Window) showImportFile() {
	d := dialog.NewFileOpen(func(rc fyne.URIReadCloser, err error) {
		if err != nil || rc == nil {
			return
		}
		go k.importFrom(rc)
	}, k.win)
	d.Resize(fyne.NewSize(900, 600))
	d.Show()
}

func (k *Window) importFrom(rc fyne.URIReadCloser) {
	defer rc.Close()
	name := rc.URI().Name()
	data, err := io.ReadAll(io.LimitReader(rc, 512<<20))
	var res *exchange.Result
	if err == nil {
		res, err = exchange.Import(name, data, "")
	}
	uithread.Do(func() {
		if err != nil {
			dialog.ShowError(fmt.Errorf("import %s: %w", name, err), k.win)
			return
		}
		if len(res.Report.Secrets) == 0 {
			go k.finishImport(name, res)
			return
		}
		k.askImportSecrets(res, func() { go k.finishImport(name, res) })
	})
}

// askImportSecrets asks for each secret a shared file names but does not
// hold. Secrets left empty stay empty; the report lists them.
func (k *Window) askImportSecrets(res *exchange.Result, done func()) {
	entries := map[string]*widget.Entry{}
	var items []*widget.FormItem
	for _, need := range res.Report.Secrets {
		e := widget.NewPasswordEntry()
		e.SetPlaceHolder(strings.Join(need.Where, "; "))
		entries[need.Name] = e
		items = append(items, widget.NewFormItem(need.Name, e))
	}
	d := dialog.NewForm("Secrets for this import", "Import", "Import without them", items, func(ok bool) {
		if ok {
			res.FillSecrets(func(name string) (string, bool) {
				e, found := entries[name]
				if !found || e.Text == "" {
					return "", false
				}
				return e.Text, true
			})
		}
		done()
	}, k.win)
	d.Resize(fyne.NewSize(640, 200+float32(60*len(items))))
	d.Show()
}

// finishImport saves the import on a goroutine and shows the report.
func (k *Window) finishImport(name string, res *exchange.Result) {
	err := k.saveImport(res)
	uithread.Do(func() {
		if err != nil {
			dialog.ShowError(fmt.Errorf("import %s: %w", name, err), k.win)
			return
		}
		k.sidebar.Reload()
		k.vars.reload(k.toolbar.refreshEnvironments)
		k.showImportReport(name, res)
	})
}

// saveImport writes a Result. It runs on a goroutine.
func (k *Window) saveImport(res *exchange.Result) error {
	if k.ws.SecretStore() == nil {
		return fmt.Errorf("choose where Knock keeps secrets first")
	}
	db := k.ws.DB
	if res.Collection != nil {
		if err := db.CreateCollectionTree(res.Collection, res.Items); err != nil {
			return err
		}
	}
	for i := range res.Environments {
		e := res.Environments[i]
		if res.Collection != nil && e.CollectionID == "" && e.ID != storage.GlobalsID {
			e.CollectionID = res.Collection.ID
		}
		if err := db.SaveEnvironment(&e); err != nil {
			return err
		}
	}
	return nil
}

func (k *Window) showImportReport(name string, res *exchange.Result) {
	var b strings.Builder
	fmt.Fprintf(&b, "Imported %d requests from %s (%s).\n", exchange.Requests(res.Items), name, res.Format)
	if n := len(res.Environments); n > 0 {
		fmt.Fprintf(&b, "Imported %d environments.\n", n)
	}
	if len(res.Report.Skipped) > 0 {
		fmt.Fprintf(&b, "\nNot imported or imported in part (%d):\n", len(res.Report.Skipped))
		for _, s := range res.Report.Skipped {
			fmt.Fprintf(&b, "• %s: %s\n", s.Item, s.Reason)
		}
	}
	if len(res.Report.NotRun) > 0 {
		fmt.Fprintf(&b, "\nScripts kept as text, not run (%d):\n", len(res.Report.NotRun))
		for _, s := range res.Report.NotRun {
			fmt.Fprintf(&b, "• %s\n", s)
		}
	}
	text := widget.NewLabel(b.String())
	text.Wrapping = fyne.TextWrapWord
	d := dialog.NewCustom("Import report", "Close", container.NewVScroll(text), k.win)
	d.Resize(fyne.NewSize(640, 480))
	d.Show()
}

// exportFormats are what a collection can be exported to.
var exportFormats = []string{"Knock folder (native)", "Postman collection v2.1", ".http file"}

// showExport asks which collection and format, then where.
func (k *Window) showExport() {
	db := k.ws.DB
	go func() {
		colls, err := db.Collections()
		uithread.Do(func() {
			if err != nil {
				dialog.ShowError(err, k.win)
				return
			}
			if len(colls) == 0 {
				dialog.ShowInformation("Export", "There is no collection to export yet.", k.win)
				return
			}
			k.showExportForm(colls, "")
		})
	}()
}

// exportNode exports the collection that holds a sidebar node.
func (k *Window) exportNode(nodeID string) {
	db := k.ws.DB
	go func() {
		loc, err := db.Locate(nodeID)
		colls, cerr := db.Collections()
		uithread.Do(func() {
			if err != nil || cerr != nil {
				dialog.ShowError(fmt.Errorf("export: %v", firstErr(err, cerr)), k.win)
				return
			}
			id := loc.CollectionID
			if loc.Kind == storage.KindCollection {
				id = nodeID
			}
			k.showExportForm(colls, id)
		})
	}()
}

func firstErr(errs ...error) error {
	for _, e := range errs {
		if e != nil {
			return e
		}
	}
	return nil
}

func (k *Window) showExportForm(colls []storage.Collection, selectedID string) {
	names := make([]string, len(colls))
	sel := 0
	for i, c := range colls {
		names[i] = c.Name
		if c.ID == selectedID {
			sel = i
		}
	}
	which := widget.NewSelect(names, nil)
	which.SetSelectedIndex(sel)
	format := widget.NewSelect(exportFormats, nil)
	format.SetSelectedIndex(0)
	items := []*widget.FormItem{widget.NewFormItem("Collection", which), widget.NewFormItem("Format", format)}
	dialog.ShowForm("Export", "Choose where…", "Cancel", items, func(ok bool) {
		if !ok {
			return
		}
		c := colls[which.SelectedIndex()]
		f := format.SelectedIndex()
		if f == 0 {
			dialog.ShowFolderOpen(func(u fyne.ListableURI, err error) {
				if err == nil && u != nil {
					k.runExport(c.ID, f, filepath.Join(u.Path(), safeDirName(c.Name)))
				}
			}, k.win)
			return
		}
		save := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
			if err == nil && w != nil {
				path := w.URI().Path()
				w.Close()
				k.runExport(c.ID, f, path)
			}
		}, k.win)
		save.SetFileName(safeDirName(c.Name) + []string{"", ".postman_collection.json", ".http"}[f])
		save.Show()
	}, k.win)
}

func safeDirName(name string) string {
	r := strings.NewReplacer("/", "-", "\\", "-", ":", "-", "*", "-", "?", "-", "\"", "-", "<", "-", ">", "-", "|", "-")
	if n := strings.TrimSpace(r.Replace(name)); n != "" {
		return n
	}
	return "collection"
}

// runExport writes the export on a goroutine. Exports carry no secret
// values: the stored documents hold only references.
func (k *Window) runExport(collID string, format int, path string) {
	db := k.ws.DB
	go func() {
		c, items, err := db.CollectionTree(collID)
		var skipped []exchange.Skip
		if err == nil {
			switch format {
			case 0:
				_, err = exchange.ExportNativeFolder(path, c, items)
			case 1:
				var data []byte
				data, skipped, err = exchange.ExportPostman(c, items)
				if err == nil {
					err = os.WriteFile(path, data, 0o644)
				}
			case 2:
				err = os.WriteFile(path, exchange.ExportHTTPFile(*c, items), 0o644)
			}
		}
		uithread.Do(func() {
			if err != nil {
				dialog.ShowError(fmt.Errorf("export: %w", err), k.win)
				return
			}
			msg := "Exported to " + path
			for _, s := range skipped {
				msg += "\n• not exported: " + s.Item + ": " + s.Reason
			}
			dialog.ShowInformation("Export", msg, k.win)
		})
	}()
}

// copyAsCurl copies a saved request as a curl command, with secrets as
// placeholders.
func (k *Window) copyAsCurl(requestID string) {
	db := k.ws.DB
	go func() {
		r, err := db.Request(requestID)
		cmd := ""
		if err == nil {
			cmd = exchange.ExportCurl(*r, exchange.GenOptions{})
		}
		uithread.Do(func() {
			if err != nil {
				dialog.ShowError(err, k.win)
				return
			}
			k.app.Clipboard().SetContent(cmd)
		})
	}()
}

package ui

import (
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/knockhttp/knock/app/ui/tabflow"
	"github.com/knockhttp/knock/app/ui/uithread"
	"github.com/knockhttp/knock/storage"
)

// envEditor edits one environment (or the globals): its name and its
// variables. Secret variables are masked, with a reveal toggle; their
// values go to the secret store when saved.
type envEditor struct {
	w    *Window
	env  storage.Environment
	name *widget.Entry
	rows *fyne.Container
	vars []*envRow
	d    dialog.Dialog
}

type envRow struct {
	key     *widget.Entry
	value   *widget.Entry
	secret  *widget.Check
	enabled *widget.Check
	box     *fyne.Container
}

// showEnvironments lets the user pick an environment to edit, or create
// one.
func (k *Window) showEnvironments() {
	names := []string{"Globals"}
	for _, e := range k.vars.envs {
		names = append(names, e.Name)
	}
	names = append(names, "+ New environment")
	list := widget.NewList(func() int { return len(names) },
		func() fyne.CanvasObject { return widget.NewLabel("") },
		func(i widget.ListItemID, o fyne.CanvasObject) { o.(*widget.Label).SetText(names[i]) })
	var d dialog.Dialog
	list.OnSelected = func(i widget.ListItemID) {
		d.Hide()
		switch {
		case i == 0:
			k.editGlobals()
		case i == len(names)-1:
			(&envEditor{w: k, env: storage.Environment{Name: "New environment"}}).show()
		default:
			(&envEditor{w: k, env: k.vars.envs[i-1]}).show()
		}
	}
	d = dialog.NewCustom("Environments", "Close", container.NewGridWrap(fyne.NewSize(320, 260), list), k.win)
	d.Show()
}

func (k *Window) editGlobals() {
	db := k.ws.DB
	go func() {
		g, err := db.Globals()
		if err == nil && g != nil {
			err = db.HydrateEnvironment(g)
		}
		uithread.Do(func() {
			if err != nil {
				dialog.ShowError(err, k.win)
				return
			}
			if g == nil {
				g = &storage.Environment{ID: storage.GlobalsID, Name: "Globals"}
			}
			(&envEditor{w: k, env: *g}).show()
		})
	}()
}

func (e *envEditor) show() {
	e.name = widget.NewEntry()
	e.name.SetText(e.env.Name)
	if e.env.ID == storage.GlobalsID {
		e.name.Disable()
	}
	e.rows = container.NewVBox()
	for _, v := range e.env.Variables {
		e.addRow(v)
	}
	add := &widget.Button{Text: "Add variable", Icon: theme.ContentAddIcon(), OnTapped: func() { e.addRow(storage.Variable{Enabled: true}) }}
	head := container.NewGridWithColumns(4, widget.NewLabel("Name"), widget.NewLabel("Value"), widget.NewLabel("Secret"), widget.NewLabel("On"))
	body := tabflow.Border(container.NewVBox(widget.NewForm(widget.NewFormItem("Name", e.name)), head), add, nil, nil, container.NewVScroll(e.rows))
	save := &widget.Button{Text: "Save", Importance: widget.HighImportance, OnTapped: e.onSave}
	buttons := []fyne.CanvasObject{save}
	if e.env.ID != "" && e.env.ID != storage.GlobalsID {
		buttons = append(buttons, &widget.Button{Text: "Delete", Importance: widget.DangerImportance, OnTapped: e.onDelete})
	}
	e.d = dialog.NewCustom("Environment", "Close", container.NewBorder(nil, container.NewHBox(buttons...), nil, nil, body), e.w.win)
	e.d.Resize(fyne.NewSize(720, 480))
	e.d.Show()
}

func (e *envEditor) addRow(v storage.Variable) {
	r := &envRow{key: widget.NewEntry(), value: widget.NewEntry(), secret: widget.NewCheck("", nil), enabled: widget.NewCheck("", nil)}
	r.key.SetText(v.Key)
	r.value.SetText(v.Value)
	r.value.Password = v.Secret
	r.secret.SetChecked(v.Secret)
	r.enabled.SetChecked(v.Enabled)
	reveal := &widget.Button{Icon: theme.VisibilityIcon(), Importance: widget.LowImportance}
	reveal.OnTapped = func() {
		r.value.Password = !r.value.Password
		r.value.Refresh()
	}
	r.secret.OnChanged = func(on bool) {
		r.value.Password = on
		r.value.Refresh()
	}
	remove := &widget.Button{Icon: theme.DeleteIcon(), Importance: widget.LowImportance}
	r.box = container.NewGridWithColumns(4, r.key, tabflow.Border(nil, nil, nil, reveal, r.value), r.secret, container.NewHBox(r.enabled, remove))
	remove.OnTapped = func() {
		e.rows.Remove(r.box)
		for i, x := range e.vars {
			if x == r {
				e.vars = append(e.vars[:i], e.vars[i+1:]...)
				break
			}
		}
	}
	e.vars = append(e.vars, r)
	e.rows.Add(r.box)
}

func (e *envEditor) onSave() {
	env := e.env
	env.Name = e.name.Text
	old := map[string]storage.Variable{}
	for _, v := range e.env.Variables {
		old[v.Key] = v
	}
	env.Variables = nil
	for _, r := range e.vars {
		if r.key.Text == "" {
			continue
		}
		v := storage.Variable{Key: r.key.Text, Value: r.value.Text, Secret: r.secret.Checked, Enabled: r.enabled.Checked}
		if o, ok := old[v.Key]; ok && o.Secret && v.Secret && o.Value == v.Value {
			v.SecretRef = o.SecretRef
		}
		env.Variables = append(env.Variables, v)
	}
	if e.w.ws.SecretStore() == nil {
		dialog.ShowInformation("No secret store yet", "Choose where Knock keeps secrets first; then save again.", e.w.win)
		return
	}
	db := e.w.ws.DB
	go func() {
		err := db.SaveEnvironment(&env)
		uithread.Do(func() {
			if err != nil {
				dialog.ShowError(fmt.Errorf("save the environment: %w", err), e.w.win)
				return
			}
			e.d.Hide()
			e.w.vars.reload(e.w.toolbar.refreshEnvironments)
		})
	}()
}

func (e *envEditor) onDelete() {
	id := e.env.ID
	dialog.ShowConfirm("Delete environment", fmt.Sprintf("Delete %q and its secrets?", e.env.Name), func(ok bool) {
		if !ok {
			return
		}
		db := e.w.ws.DB
		go func() {
			err := db.DeleteEnvironment(id)
			uithread.Do(func() {
				if err != nil {
					dialog.ShowError(err, e.w.win)
					return
				}
				e.d.Hide()
				e.w.vars.reload(e.w.toolbar.refreshEnvironments)
			})
		}()
	}, e.w.win)
}

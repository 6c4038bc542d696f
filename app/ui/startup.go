package ui

import (
	"errors"
	"fmt"
	"path/filepath"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/knockhttp/knock/app/ui/uithread"
	"github.com/knockhttp/knock/app/workspace"
	"github.com/knockhttp/knock/storage"
	"github.com/knockhttp/knock/storage/secrets"
)

// openErrorPane is what the window shows when the data directory cannot be
// opened: another Knock holds it, or the database is damaged. It says so
// in plain words and offers what can be done; it never overwrites the
// damaged file.
func openErrorPane(a fyne.App, w fyne.Window, err error) fyne.CanvasObject {
	title := widget.NewLabelWithStyle("Knock cannot open its data", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	msg := widget.NewLabel(err.Error())
	msg.Wrapping = fyne.TextWrapWord
	quit := &widget.Button{Text: "Quit", OnTapped: a.Quit}
	actions := container.NewHBox(quit)
	var corrupt *storage.CorruptError
	if errors.As(err, &corrupt) && corrupt.Backup != "" {
		restore := &widget.Button{Text: "Restore the latest backup", Importance: widget.HighImportance}
		restore.OnTapped = func() {
			restore.Disable()
			go func() {
				damaged, rerr := storage.RestoreBackup(filepath.Dir(corrupt.Path), corrupt.Backup)
				uithread.Do(func() {
					if rerr != nil {
						dialog.ShowError(rerr, w)
						restore.Enable()
						return
					}
					msg.SetText(fmt.Sprintf("The backup %s is back in place; the damaged file was kept as %s. Start Knock again.", corrupt.Backup, damaged))
				})
			}()
		}
		actions.Add(restore)
	}
	icon := widget.NewIcon(theme.ErrorIcon())
	box := container.NewVBox(container.NewHBox(icon, title), msg, actions)
	return container.NewCenter(container.NewGridWrap(fyne.NewSize(560, box.MinSize().Height+60), box))
}

// chooseSecretStore attaches the secret store the settings name. When the
// keyring cannot be used, or the vault is locked, it tells the user why
// and lets them choose: keep secrets for this session only, or use an
// encrypted vault. There is never a silent fallback to plain text.
func chooseSecretStore(w fyne.Window, ws *workspace.Workspace, done func()) {
	go func() {
		err := ws.AttachConfigured()
		uithread.Do(func() {
			if err == nil {
				done()
				return
			}
			showSecretStoreChoice(w, ws, err, done)
		})
	}()
}

func showSecretStoreChoice(w fyne.Window, ws *workspace.Workspace, why error, done func()) {
	reason := why.Error()
	if !errors.Is(why, secrets.ErrUnavailable) && !errors.Is(why, workspace.ErrVaultLocked) {
		reason = "the keyring failed: " + reason
	}
	text := widget.NewLabel("Knock keeps passwords and tokens in the system keyring, but " + reason +
		".\n\nChoose where to keep secrets instead. Nothing is ever written to disk in plain text.")
	text.Wrapping = fyne.TextWrapWord
	pass := widget.NewPasswordEntry()
	pass.SetPlaceHolder("vault passphrase")
	var d dialog.Dialog
	session := &widget.Button{Text: "Keep secrets for this session only", OnTapped: func() {
		ws.UseSession()
		d.Hide()
		done()
	}}
	vault := &widget.Button{Text: "Use the encrypted vault", Importance: widget.HighImportance}
	vault.OnTapped = func() {
		p := pass.Text
		vault.Disable()
		go func() {
			err := ws.UseVault(p)
			uithread.Do(func() {
				vault.Enable()
				if err != nil {
					dialog.ShowError(err, w)
					return
				}
				d.Hide()
				done()
			})
		}()
	}
	content := container.NewVBox(text, session, widget.NewSeparator(), pass, vault)
	d = dialog.NewCustomWithoutButtons("Where should Knock keep secrets?", content, w)
	d.Resize(fyne.NewSize(520, 320))
	d.Show()
}

package ui

import (
	"time"

	"github.com/knockhttp/knock/app/ui/uithread"
	"github.com/knockhttp/knock/storage"
)

// The open tabs are saved in the store whenever they change (debounced),
// and restored at start, drafts included; the secrets typed into drafts go
// to the secret store like any other.

const sessionSaveDelay = 500 * time.Millisecond

// sessionChanged schedules a save of the open tabs.
func (t *requestTabs) sessionChanged() {
	if !t.restored {
		return
	}
	if t.saveTimer != nil {
		t.saveTimer.Stop()
	}
	t.saveTimer = time.AfterFunc(sessionSaveDelay, func() { uithread.Do(func() { t.saveSession(nil) }) })
}

// snapshot describes the open tabs. Call on the UI goroutine.
func (t *requestTabs) snapshot() *storage.Session {
	s := &storage.Session{Environments: map[string]string{storage.NoCollection: t.w.vars.activeID}}
	for i, tab := range t.list {
		st := storage.Tab{ID: tab.tabID, RequestID: tab.requestID}
		if tab.requestID == "" || tab.dirty {
			r := tab.editor.Request()
			r.Name = tab.name
			st.Draft = &r
		}
		s.Tabs = append(s.Tabs, st)
		if tab.item == t.docs.Selected() {
			s.Active = i
		}
	}
	return s
}

// saveSession writes the tabs on a goroutine, then calls done (if any) on
// the UI goroutine.
func (t *requestTabs) saveSession(done func()) {
	if !t.restored || t.w.ws.SecretStore() == nil {
		if done != nil {
			done()
		}
		return
	}
	s := t.snapshot()
	db := t.w.ws.DB
	go func() {
		_ = db.SaveSession(s) // the next change saves again
		if done != nil {
			uithread.Do(done)
		}
	}()
}

// restore reopens the tabs of the last session.
func (t *requestTabs) restore() {
	db := t.w.ws.DB
	go func() {
		s, err := db.Session()
		if err == nil && s != nil {
			// A secret missing from the store leaves that draft field
			// empty; the rest of the session is still restored.
			_ = db.HydrateSession(s)
		}
		type opened struct {
			tab      storage.Tab
			req      *storage.Request
			resolved *storage.Resolved
		}
		var tabs []opened
		if s != nil {
			for _, st := range s.Tabs {
				o := opened{tab: st, req: st.Draft}
				if st.RequestID != "" {
					if saved, err := db.Request(st.RequestID); err == nil {
						if db.HydrateRequest(saved) == nil && o.req == nil {
							o.req = saved
						}
						if res, err := db.Resolve(st.RequestID); err == nil && db.HydrateResolved(res) == nil {
							o.resolved = res
						}
					} else {
						o.tab.RequestID = "" // deleted since: keep the draft, if any
					}
				}
				if o.req != nil {
					tabs = append(tabs, o)
				}
			}
		}
		uithread.Do(func() {
			t.restored = true
			if len(tabs) == 0 {
				return
			}
			first := t.list
			for _, o := range tabs {
				tab := t.newTab(*o.req, o.tab.RequestID)
				tab.tabID = o.tab.ID
				if o.resolved != nil {
					tab.applyResolved(o.resolved)
				}
				if o.tab.Draft != nil && o.tab.RequestID != "" {
					tab.markDirty()
				}
			}
			// Drop the empty draft the window started with.
			for _, tab := range first {
				if tab.requestID == "" && !tab.dirty && tab.editor.Request().URL == "" {
					t.close(tab)
				}
			}
			if s.Active >= 0 && s.Active < len(t.list) {
				t.docs.Select(t.list[s.Active].item)
			}
			t.focusURL()
		})
	}()
}

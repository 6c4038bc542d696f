// Package sidebar is the left pane of Knock's window: the saved
// collections as a tree, a search box that filters them, and the history
// of sent requests, behind a Collections/History switch.
//
// # Basics
//
//	sb := sidebar.New(db, win)        // starts loading the tree at once
//	sb.OnOpenRequest = w.openSaved    // a request was tapped
//	sb.OnOpenHistory = w.openHistory  // a history entry was tapped
//	sb.OnExport = w.exportNode        // "Export…" on any node
//	sb.OnCopyCurl = w.copyCurl        // "Copy as curl" on a request
//	sb.OnChanged = w.treeEdited       // after every successful edit
//	split := container.NewHSplit(sb.Content(), editorAndResponse)
//	...
//	sb.RefreshHistory()               // after each send
//	sb.Select(savedID)                // after a tab switch or a save
//
// # What it does
//
//   - Collections tree (widget.Tree): collections, folders and requests in
//     stored order; requests carry a coloured method badge of fixed width.
//     Tapping a request opens it. A right click (secondary tap) or the "⋯"
//     button on the selected row opens the actions: New request, New
//     folder, Rename, Duplicate, Delete (to the trash, with an Undo banner
//     for eight seconds), Move up, Move down, Move to… (a dialog listing
//     every collection and folder), Copy as curl and Export. Fyne's tree
//     has no drag and drop, so moving is done with those actions.
//   - Search box: filters as you type with storage.DB.Search (name, URL,
//     method), showing each hit with its folder path; the latest query
//     wins, and an empty query brings the tree back.
//   - History: newest first, paged as the list scrolls, each row showing
//     status (coloured by class), method, URL, time and duration; a filter
//     (URL words, a method, a status or a class such as 4xx) and "Clear
//     history" with a confirmation.
//
// # Threading
//
// Every store call blocks (bbolt, and the secret store for some), so none
// runs on Fyne's goroutine. Edits and tree loads run one after another on
// a serial worker, so the store sees them in the order the user made them;
// searches and history pages run on their own workers where only the
// latest request counts. Results come back through fyne.Do (the package
// variable runOnUI, which the tests replace with a queue they drain on
// their own goroutine, because Fyne's test driver runs fyne.Do's function
// on the calling goroutine).
//
// The tree's data lives in memory (model.go), loaded once with one
// storage.DB.Tree call per collection. Renames, moves and deletes change
// the model at once and then the store; if the store refuses, the error is
// shown and the affected collection is read again. Creating, duplicating
// and restoring read back only the affected collection.
//
// # Caveats
//
//   - No drag and drop (Fyne 2.7's Tree has none); use Move up, Move down
//     and Move to….
//   - Search results are capped at searchLimit; the pane says so.
//   - OnOpenHistory receives the history entry's ID in decimal
//     (strconv.ParseUint(id, 10, 64) gives the uint64 History().Reopen
//     takes).
package sidebar

// Package foldersync keeps a collection and a directory of native files
// (docs/format.md) in step while Knock runs, so that a team can share a
// collection through git: saving in Knock writes the files, and a change
// on disk (a git pull, a checkout, an editor) is taken into the store.
//
// A Syncer serves one open workspace. Link(collectionID, dir) ties a
// collection to a directory: when the directory already holds a
// knock.collection.json (a fresh clone), the disk wins and is taken into
// the collection; otherwise the collection is written there. The link and
// the state of the last sync (which file holds which node, and the
// SHA-256 of the content both sides agreed on) are kept in the store
// (storage.SetSyncLink), never in a collection's files, so Knock takes in
// what changed while it was closed when Resume runs at the next start.
//
// Supported:
//
//   - Saving: after the app changes a linked collection (a request,
//     folder or collection saved, created, renamed, moved or deleted) it
//     calls WriteOut, or runs the change through Save. Only files whose
//     content changed are rewritten; the syncer's own writes are
//     recognised by their hash and never taken back in.
//   - Changes on disk, seen through fsnotify on the directory and its
//     sub-directories (new ones are watched as they appear; hidden ones
//     such as .git are not), debounced (Options.Debounce, 200 ms by
//     default) so that a git pull touching many files is one update.
//     Changed requests are updated in place and keep their IDs (a file
//     is matched to its node by its path); new files become new
//     requests; removed files move their requests to the trash, where
//     they can be restored; a file moved or renamed with the same content
//     (git mv), or renamed by another Knock (only its name changed),
//     keeps its node, and a renamed directory keeps its folder when its
//     requests moved with it. Changes to knock.collection.json apply the
//     order, the folders' metadata and the collection's variables,
//     headers, auth and scripts.
//   - Conflicts: when a node changed on disk while Callbacks.Dirty says
//     an open tab holds unsaved edits of it, the disk version is not
//     applied; Callbacks.Conflict is told, and until ResolveKeepMine or
//     ResolveTakeDisk, WriteOut leaves that file alone (it never writes a
//     file whose content on disk it has not taken in).
//   - The linked directory itself going away (a checkout of a branch
//     without it, rm -rf before a new clone): the store is not touched,
//     Callbacks.Error reports the directory missing, and its parent is
//     watched until it comes back, when it is watched and read again.
//   - Malformed files (a merge conflict marker, a typo): the store is not
//     touched, Callbacks.Error is told the file and the line or JSON path,
//     the watch goes on, and the fix is applied when the file is saved.
//   - Secrets: files hold KNOCK_SECRET_ names only, never values. A name
//     that a file keeps keeps this machine's stored secret; names a file
//     adds are asked of Options.SecretLookup or reported in
//     Change.SecretsNeeded. Writing a file out gives every secret the
//     name the file had, also secrets this machine has no value for.
//
// Not supported: environments (they stay in the store), symbolic links
// inside the directory (not followed, as the importer), nested
// collections (a sub-directory with its own knock.collection.json is
// skipped), and merging the two sides of a conflict field by field (one
// side wins, as the user chooses). A folder's metadata lives in
// knock.collection.json, so a conflict on a folder or the collection
// holds that file until it is resolved.
//
// # Threading
//
// Every method blocks on the disk and the database: never call one on
// the UI goroutine. The Callbacks run on the syncer's own goroutine (or
// on the goroutine of the method that caused them), never on Fyne's:
// wrap UI work in fyne.Do. Dirty is called while the syncer holds its
// lock: it must be quick, safe from any goroutine, and must not call the
// Syncer or wait for the UI goroutine (no fyne.DoAndWait). The other
// callbacks run after the lock is released and may call the Syncer, but
// not Close (which waits for the goroutine they run on).
package foldersync

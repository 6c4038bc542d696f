package foldersync

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/knockhttp/knock/storage"
)

// git runs git in dir with a fixed identity and no user configuration.
func git(t *testing.T, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(),
		"GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL=/dev/null", "HOME="+dir,
		"GIT_AUTHOR_NAME=Knock Test", "GIT_AUTHOR_EMAIL=test@knock.invalid",
		"GIT_COMMITTER_NAME=Knock Test", "GIT_COMMITTER_EMAIL=test@knock.invalid")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// TestGitPullUnderARunningKnock shares a collection through a bare
// repository: Knock A writes and commits, Knock B clones, links the clone
// (the disk wins), and takes in A's next commit when git pull runs under
// it.
func TestGitPullUnderARunningKnock(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Fatal("git is not installed (make test installs it: .ci/deps.sh lists it among the test packages)")
	}
	root := t.TempDir()
	bare := filepath.Join(root, "shop.git")
	git(t, root, "init", "-q", "--bare", "-b", "main", bare)
	cloneA, cloneB := filepath.Join(root, "a"), filepath.Join(root, "b")
	git(t, root, "clone", "-q", bare, cloneA)
	git(t, cloneA, "checkout", "-q", "-b", "main")

	// Knock A: the collection, linked to its clone, committed and pushed.
	dbA := openDB(t)
	fx := makeFixture(t, dbA)
	sA := newSyncer(t, dbA, newRecorder())
	if _, err := sA.Link(fx.coll.ID, filepath.Join(cloneA, "shop-api")); err != nil {
		t.Fatal(err)
	}
	git(t, cloneA, "add", "-A")
	git(t, cloneA, "commit", "-q", "-m", "Shop API")
	git(t, cloneA, "push", "-q", "origin", "main")

	// Knock B: a fresh clone, linked to an empty collection: the disk wins.
	git(t, root, "clone", "-q", "-b", "main", bare, cloneB)
	dbB := openDB(t)
	collB := &storage.Collection{Name: "Shop (from git)"}
	if err := dbB.CreateCollection(collB); err != nil {
		t.Fatal(err)
	}
	recB := newRecorder()
	sB := newSyncer(t, dbB, recB)
	dirB := filepath.Join(cloneB, "shop-api")
	res, err := sB.Link(collB.ID, dirB)
	if err != nil {
		t.Fatal(err)
	}
	if !res.FromDisk || len(res.Change.Added) != 4 {
		t.Fatalf("link from the clone: %+v", res)
	}
	if !slices.Equal(res.Change.SecretsNeeded, []string{"KNOCK_SECRET_API_KEY", "KNOCK_SECRET_PASSWORD"}) {
		t.Errorf("secrets needed %v", res.Change.SecretsNeeded)
	}
	if got := childNames(t, dbB, collB.ID); !slices.Equal(got, []string{"List orders", "Create order", "Admin"}) {
		t.Fatalf("B's tree %v", got)
	}
	c, _ := dbB.Collection(collB.ID)
	if c.Name != "Shop API" {
		t.Errorf("B's collection is named %q", c.Name)
	}
	// Linking rewrote nothing: the clone is clean.
	if st := git(t, cloneB, "status", "--porcelain"); st != "" {
		t.Fatalf("the link changed the clone:\n%s", st)
	}
	stateB, _ := dbB.SyncFiles(collB.ID)
	idB := stateB[fx.createPath].ID

	// B saves a request it has no password for: the file keeps the name.
	r := mustRequest(t, dbB, idB)
	if len(r.Auth.SecretRefs) != 0 {
		t.Fatalf("B holds a reference without a value: %+v", r.Auth)
	}
	r.Description = "edited in B"
	if err := sB.Save(collB.ID, func() error { return dbB.SaveRequest(r) }); err != nil {
		t.Fatal(err)
	}
	if f := readFile(t, dirB, fx.createPath); !strings.Contains(f, `"password": "KNOCK_SECRET_PASSWORD"`) || !strings.Contains(f, "edited in B") {
		t.Fatalf("B's save lost the secret's name:\n%s", f)
	}
	git(t, cloneB, "checkout", "-q", "--", ".") // B drops its edit again
	waitFor(t, "B taking its checkout in", func() bool { return mustRequest(t, dbB, idB).Description == "" })

	// A changes a request and adds one; commit, push.
	ra := mustRequest(t, dbA, fx.create.ID)
	ra.URL = "{{base}}/v2/orders"
	if err := sA.Save(fx.coll.ID, func() error { return dbA.SaveRequest(ra) }); err != nil {
		t.Fatal(err)
	}
	added := &storage.Request{Name: "Refund", Method: "POST", URL: "{{base}}/refunds"}
	if err := sA.Save(fx.coll.ID, func() error { return dbA.CreateRequest(fx.admin.ID, added) }); err != nil {
		t.Fatal(err)
	}
	git(t, cloneA, "add", "-A")
	git(t, cloneA, "commit", "-q", "-m", "v2 orders, refunds")
	git(t, cloneA, "push", "-q", "origin", "main")

	// B pulls while its Knock runs.
	git(t, cloneB, "pull", "-q", "--ff-only")
	waitFor(t, "B's store after the pull", func() bool {
		return mustRequest(t, dbB, idB).URL == "{{base}}/v2/orders" &&
			slices.Equal(childNames(t, dbB, collB.ID, "Admin"), []string{"Delete user", "Refund"})
	})
	if got := mustRequest(t, dbB, idB); got.ID != idB || got.Method != "POST" {
		t.Errorf("B's request %+v", got)
	}
	if st := git(t, cloneB, "status", "--porcelain"); st != "" {
		t.Errorf("the pull was written back:\n%s", st)
	}
	noSecretsIn(t, cloneA)
	noSecretsIn(t, cloneB)
}

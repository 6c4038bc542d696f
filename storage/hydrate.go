package storage

// Hydration fills secret values back into documents read from the
// database, from the attached secret store. Documents come out of the
// database with references only; the engine hydrates what it sends and the
// window what it shows in an editor. Each call blocks on the secret store.
//
// When some values are missing (a session store after a restart), the
// others are filled and a *MissingSecretsError lists the missing fields.

// HydrateRequest fills a request's secret values.
func (db *DB) HydrateRequest(r *Request) error {
	slots, err := requestSlots(r)
	if err != nil {
		return err
	}
	return db.hydrate(slots)
}

// HydrateAuth fills an auth spec's secret parameters.
func (db *DB) HydrateAuth(a *AuthSpec) error {
	return db.hydrate(authSlots(a, "auth.", "auth"))
}

// HydrateVariables fills the values of secret variables, in place.
func (db *DB) HydrateVariables(vs []Variable) error {
	return db.hydrate(varSlots(vs, "variable"))
}

// HydrateCollection fills a collection's auth and secret variables.
func (db *DB) HydrateCollection(c *Collection) error {
	return db.hydrate(containerSlots(&c.Auth, c.Variables, c.Headers))
}

// HydrateFolder fills a folder's auth and secret variables.
func (db *DB) HydrateFolder(f *Folder) error {
	return db.hydrate(containerSlots(&f.Auth, f.Variables, f.Headers))
}

// HydrateEnvironment fills an environment's secret variables.
func (db *DB) HydrateEnvironment(e *Environment) error {
	return db.hydrate(varSlots(e.Variables, "variable"))
}

// HydrateResolved fills the effective auth, the inherited auth, the
// variables and the credential headers of a Resolve result.
func (db *DB) HydrateResolved(r *Resolved) error {
	slots := authSlots(&r.Auth, "auth.", "auth")
	slots = append(slots, authSlots(&r.Inherited, "auth.", "inherited auth")...)
	slots = append(slots, varSlots(r.Variables, "variable")...)
	slots = append(slots, headerSlots(r.Headers, "default header")...)
	return db.hydrate(slots)
}

// HydrateSettings fills the proxy and client certificate passwords.
func (db *DB) HydrateSettings(s *AppSettings) error {
	slots, err := settingsSlots(s)
	if err != nil {
		return err
	}
	return db.hydrate(slots)
}

// HydrateSession fills the secret values of the drafts in open tabs.
func (db *DB) HydrateSession(s *Session) error {
	slots, _, err := sessionSlots(s)
	if err != nil {
		return err
	}
	return db.hydrate(slots)
}

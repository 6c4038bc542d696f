package editor

import (
	"reflect"
	"testing"
)

func TestVarRefs(t *testing.T) {
	got := varRefs("{{base}}/u/{{ id }}?x={{base}}", "{{unclosed", "{{}}", "a{{$uuid}}b")
	want := []string{"base", "id", "$uuid"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("varRefs = %v, want %v", got, want)
	}
}

func TestOpenVarPrefix(t *testing.T) {
	tests := []struct {
		before  string
		partial string
		ok      bool
	}{
		{"https://x/{{", "", true},
		{"https://x/{{to", "to", true},
		{"{{ to", "to", true},
		{"{{a}} and {{b", "b", true},
		{"{{done}}", "", false},
		{"{{a b", "", false},
		{"plain", "", false},
	}
	for _, tt := range tests {
		partial, ok := openVarPrefix(tt.before)
		if partial != tt.partial || ok != tt.ok {
			t.Errorf("openVarPrefix(%q) = %q, %v; want %q, %v", tt.before, partial, ok, tt.partial, tt.ok)
		}
	}
}

package web

import (
	"embed"
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
	"golang.org/x/text/message"

	"github.com/certif/certif/internal/french"
)

//go:embed locales/*.json
var localeFS embed.FS

// Supported UI languages, French first.
var langs = []language.Tag{language.French, language.English}

// translator holds the message bundle and one localizer per language.
type translator struct {
	bundle *i18n.Bundle
	locs   map[string]*i18n.Localizer
	// cache memoises messages without arguments: they are looked up on every page.
	cache sync.Map // key lang+"\x00"+id → string
	// byText indexes the validation messages' ids by their French text (validationIDs).
	byText map[string]string
}

func newTranslator() (*translator, error) {
	b := i18n.NewBundle(language.French)
	b.RegisterUnmarshalFunc("json", json.Unmarshal)
	for _, f := range []string{"locales/fr.json", "locales/en.json"} {
		if _, err := b.LoadMessageFileFS(localeFS, f); err != nil {
			return nil, fmt.Errorf("load %s: %w", f, err)
		}
	}
	byText, err := validationIDs()
	if err != nil {
		return nil, err
	}
	t := &translator{bundle: b, locs: map[string]*i18n.Localizer{}, byText: byText}
	for _, l := range langs {
		base, _ := l.Base()
		t.locs[base.String()] = i18n.NewLocalizer(b, base.String())
	}
	return t, nil
}

// T returns the message id in lang, with args as alternating key/value template data.
// "Count" drives plurals (French CLDR rules: 0 and 1 take the "one" form) and, when it is an
// int, is shown with the language's digit grouping (« 1 234 »). A missing id shows the id
// itself so that gaps are visible in tests.
func (t *translator) T(lang, id string, args ...any) string {
	if len(args) == 0 {
		if v, ok := t.cache.Load(lang + "\x00" + id); ok {
			return v.(string)
		}
	}
	loc := t.locs[lang]
	if loc == nil {
		loc = t.locs["fr"]
	}
	cfg := &i18n.LocalizeConfig{MessageID: id}
	if len(args) > 0 {
		data := map[string]any{}
		for i := 0; i+1 < len(args); i += 2 {
			k := fmt.Sprint(args[i])
			data[k] = args[i+1]
			if k == "Count" {
				cfg.PluralCount = args[i+1]
				if n, ok := args[i+1].(int); ok {
					data[k] = formatInt(lang, n)
				}
			}
		}
		cfg.TemplateData = data
	}
	s, err := loc.Localize(cfg)
	if err != nil && s == "" {
		return id
	}
	// A plural form the message lacks (French "many", for a million) falls back to "other":
	// go-i18n returns that text together with an error.
	if len(args) == 0 {
		t.cache.Store(lang+"\x00"+id, s)
	}
	return s
}

// langCookie stores the chosen UI language.
const langCookie = "certif_lang"

// requestLang picks the UI language: the user's choice (cookie, set by the language switch
// or at login from the account's preference), else French. The browser's Accept-Language is
// deliberately ignored: Certif is a French tool whose documents and référentiel are French.
func requestLang(r *http.Request) string {
	if c, err := r.Cookie(langCookie); err == nil && (c.Value == "fr" || c.Value == "en") {
		return c.Value
	}
	return "fr"
}

// formatDate renders t in Europe/Paris as « 12 mars 2027 » (fr, through french.Date) or
// "12 March 2027" (en); "—" for the zero time.
func formatDate(lang string, t time.Time) string {
	if lang != "en" || t.IsZero() {
		return french.Date(t)
	}
	return french.InParis(t).Format("2 January 2006")
}

// formatDateTime renders t as « 12 mars 2027 à 14 h 05 » (fr) or "12 March 2027, 14:05" (en).
func formatDateTime(lang string, t time.Time) string {
	if lang != "en" || t.IsZero() {
		return french.DateTime(t)
	}
	return formatDate(lang, t) + ", " + french.InParis(t).Format("15:04")
}

// englishPrinter groups digits the English way ("48,750").
var englishPrinter = message.NewPrinter(language.English)

// formatInt renders n with the language's digit grouping (« 48 750 » in French, with a narrow
// no-break space).
func formatInt(lang string, n int) string {
	if lang == "en" {
		return englishPrinter.Sprintf("%d", n)
	}
	return french.Int(n)
}

// msg translates a message id in the request's language (for handlers without a page yet).
func (s *Server) msg(r *http.Request, id string, args ...any) string {
	return s.tr.T(requestLang(r), id, args...)
}

// now reads the server's clock (Config.Now, the store's clock too).
func (s *Server) now() time.Time { return s.cfg.Now() }

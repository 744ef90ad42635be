package ui

import (
	"embed"
	"errors"
	"fmt"
	"strings"
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"

	"tally/domain"
)

// translations holds the German (and any later) translation of every
// sentence the screens show, keyed by the English sentence. Fyne's lang
// package picks the one of the system's language.
//
//go:embed translations/*.json
var translations embed.FS

// loadTranslations runs once, at the first T: package variables call T
// before init functions run.
var loadTranslations = sync.OnceFunc(func() {
	if err := lang.AddTranslationsFS(translations, "translations"); err != nil {
		fyne.LogError("load Tally's translations", err)
	}
})

// reservedWords cannot be keys of a translation file (go-i18n takes them
// for the fields of a message): they are kept as "word.Description".
var reservedWords = map[string]bool{"id": true, "description": true, "hash": true, "leftdelim": true, "rightdelim": true,
	"zero": true, "one": true, "two": true, "few": true, "many": true, "other": true, "translation": true}

// translationKey is the key of format in a translation file.
func translationKey(format string) string {
	if reservedWords[strings.ToLower(format)] {
		return "word." + format
	}
	return format
}

// T translates an English sentence into the user's language and, given
// args, fills them in as fmt.Sprintf does (a translation may reorder them
// with %[2]s). Every sentence a screen shows goes through T.
func T(format string, args ...any) string {
	loadTranslations()
	s := format
	// A sentence no translation has (a message composed at run time) is
	// shown as it is, without asking lang, which would log a failure.
	if key := translationKey(format); germanKeys()[key] != "" {
		s = lang.X(key, format)
	}
	if len(args) == 0 {
		return s
	}
	return fmt.Sprintf(s, args...)
}

// userErr is an error whose message is already in the user's language.
func userErr(code, msg string) *domain.Error { return &domain.Error{Code: code, Message: msg} }

// N marks a sentence kept as a key (a page's title) and translated where
// it is shown, with T(key): the test of translations finds it here.
func N(key string) string { return key }

// domain.ErrorMessage's own messages, not made by Errorf.
var (
	msgCancelled = N("Cancelled.")
	msgInternal  = N("Something went wrong inside Tally. Nothing was changed. The details are in the log file; please report them.")
)

// errText is err's message for the person in front of the screen, in their
// language: the first *domain.Error's, translated from its English format
// when de.json has it, else domain.ErrorMessage's.
func errText(err error) string {
	var e *domain.Error
	if errors.As(err, &e) {
		if e.Format == "" {
			return e.Message
		}
		return fmt.Sprintf(T(e.Format), e.Args...)
	}
	switch m := domain.ErrorMessage(err); m {
	case msgCancelled, msgInternal:
		return T(m)
	default:
		return m
	}
}

// phrasesText is domain phrases in the user's language, joined by " · ".
func phrasesText(ps domain.Phrases) string {
	parts := make([]string, len(ps))
	for i, p := range ps {
		parts[i] = fmt.Sprintf(T(p.Format), p.Args...)
	}
	return strings.Join(parts, " · ")
}

// phraseText is a domain phrase in the screens' language ("" for none).
func phraseText(p domain.Phrase) string {
	if p.Format == "" {
		return ""
	}
	return T(p.Format, p.Args...)
}

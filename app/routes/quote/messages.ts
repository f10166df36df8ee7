/** What the quote's pages say to the person using them, in one place. */

export const titles = {
  show: 'Quotebook',
  edit: 'Edit your quote · Quotebook',
  delete: 'Delete your quote? · Quotebook',
}

/** What the last change did, said once on the page after its redirect. */
export const statusMessages = {
  saved: 'Your quote was saved.',
  deleted: 'Your quote was deleted.',
  'not-deleted': 'Your quote was not deleted: your session had ended.',
} as const

export const pendingMessages = { saving: 'Saving…', deleting: 'Deleting…' } as const

export const OUT_OF_DATE_FORM = 'This form was out of date. Check your quote, then save it again.'

export const UNKNOWN_FORM = 'That form asked for something this page does not do.'

/** A save from a page that was out of date: a choice between two texts, headed by what happened. */
export const CONFLICT_TITLES = {
  changed: 'Your quote was changed in another tab or window',
  deleted: 'Your quote was deleted in another tab or window',
}

export const CHANGED_ELSEWHERE = {
  save: 'Choose which text to keep: the saved one, as it reads now, or yours, in the box below.',
  saveDeleted: 'Yours is still in the box below: save it to keep it, or leave your quote deleted.',
  delete:
    'Your quote was changed in another tab or window since this page was loaded. Here it is now: delete it?',
}

/** The server answered, but not with the action's own answer (an error page from a proxy). */
export const NOT_TAKEN = {
  save: 'Quotebook could not answer just now, so your quote may not have been saved. Your text is still here: try again in a moment.',
  delete:
    'Quotebook could not answer just now, so your quote may not have been deleted. Try again in a moment.',
}

/** No answer at all: the network is down. */
export const UNREACHABLE = {
  save: 'Quotebook could not be reached, so your quote may not have been saved. Your text is still here: check your connection, then save it again.',
  delete:
    'Quotebook could not be reached, so your quote may not have been deleted. Check your connection, then try again.',
}

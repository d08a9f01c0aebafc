/**
 * The forms before a first message: who the visitor is (when the site asks), and, when nobody can
 * answer, the message with an email address to reply to. Errors are said in words, next to the
 * field, and the first wrong field gets the focus.
 */
import { useRef, useState } from 'preact/hooks';
import { forbiddenTextChar } from '../../../../shared/text-rules.js';
import type { Catalog } from '../i18n.js';
import type { ChatModel } from '../model.js';
import { EMAIL } from '../thread.js';

type Field = 'name' | 'email' | 'text';
type Errors = Partial<Record<Field, string>>;

/** The form's own checks, before anything is sent; exported for its test. */
export function check(t: Catalog, values: Record<Field, string>, need: Field[]): Errors {
  const errors: Errors = {};
  const hidden = need.includes('name') ? forbiddenTextChar(values.name.trim()) : null;
  if (need.includes('name') && !values.name.trim()) errors.name = t.needName;
  else if (hidden) errors.name = t.hiddenInName(hidden.codePoint);
  if (need.includes('email') && !EMAIL.test(values.email.trim())) errors.email = t.badEmail;
  if (need.includes('text') && !values.text.trim()) errors.text = t.needMessage;
  return errors;
}

function Input({
  id,
  label,
  error,
  multiline,
  ...props
}: {
  id: string;
  label: string;
  error: string | undefined;
  multiline?: boolean;
  value: string;
  type?: string;
  autocomplete?: string;
  onInput: (event: Event) => void;
}) {
  const attrs = {
    id,
    class: multiline ? 'in ta' : 'in',
    'aria-invalid': error ? ('true' as const) : undefined,
    'aria-describedby': error ? `${id}-e` : undefined,
    ...props,
  };
  return (
    <div class="fl">
      <label for={id}>{label}</label>
      {multiline ? <textarea rows={3} maxLength={4000} {...attrs} /> : <input maxLength={200} {...attrs} />}
      {error && (
        <span id={`${id}-e`} class="er">
          {error}
        </span>
      )}
    </div>
  );
}

function useForm(model: ChatModel) {
  const profile = model.profile.peek();
  const [values, setValues] = useState<Record<Field, string>>({
    name: profile.name,
    email: profile.email,
    text: '',
  });
  const [errors, setErrors] = useState<Errors>({});
  const form = useRef<HTMLFormElement>(null);
  const bind = (field: Field) => ({
    value: values[field],
    error: errors[field],
    onInput: (event: Event) =>
      setValues((v) => ({ ...v, [field]: (event.target as HTMLInputElement).value })),
  });
  const validate = (need: Field[]): boolean => {
    const found = check(model.t, values, need);
    setErrors(found);
    const first = need.find((f) => found[f]);
    if (first) form.current?.querySelector<HTMLElement>(`[id$="-${first}"]`)?.focus();
    return !first;
  };
  return { values, bind, validate, form };
}

export function PrechatForm({ model }: { model: ChatModel }) {
  const { t } = model;
  const { values, bind, validate, form } = useForm(model);
  const submit = (event: Event) => {
    event.preventDefault();
    if (validate(['name', 'email'])) {
      model.submitPrechat({ name: values.name.trim(), email: values.email.trim() });
    }
  };
  return (
    <form ref={form} class="fm" onSubmit={submit} noValidate>
      <p>{t.prechat}</p>
      <Input id="sb-pre-name" label={t.name} autocomplete="name" {...bind('name')} />
      <Input id="sb-pre-email" label={t.email} type="email" autocomplete="email" {...bind('email')} />
      <button type="submit" class="btn">
        {t.start}
      </button>
    </form>
  );
}

export function LeaveMessageForm({
  model,
  reason,
}: {
  model: ChatModel;
  reason: 'no_agents' | 'outside_hours';
}) {
  const { t } = model;
  const { values, bind, validate, form } = useForm(model);
  const askName = !!model.config.value?.site.prechat;
  const submit = (event: Event) => {
    event.preventDefault();
    if (validate(askName ? ['name', 'email', 'text'] : ['email', 'text'])) {
      model.leaveMessage({ name: values.name.trim(), email: values.email.trim() }, values.text);
    }
  };
  return (
    <form ref={form} class="fm" onSubmit={submit} noValidate>
      <p class="nt">
        <strong>{reason === 'outside_hours' ? t.outsideHours : t.noAgents}</strong> {t.leaveMessage}
      </p>
      {askName && <Input id="sb-off-name" label={t.name} autocomplete="name" {...bind('name')} />}
      <Input id="sb-off-email" label={t.email} type="email" autocomplete="email" {...bind('email')} />
      <Input id="sb-off-text" label={t.message} multiline {...bind('text')} />
      <button type="submit" class="btn">
        {t.send}
      </button>
    </form>
  );
}

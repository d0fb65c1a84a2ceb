import { useAccess } from '../api/access';
import type { Reminder } from '../api/models';
import { useContacts, useReminders } from '../api/queries';
import { DateText, ErrorMessage, Link, Pending } from '../components/common';

const KIND_LABEL: Record<Reminder['kind'], string> = { progress: '四半期の記入', evaluation: '評価', overdue: '記入の督促' };
const STATUS_LABEL: Record<Reminder['status'], string> = { planned: '予定', sent: '送信済み', cancelled: '取消', failed: '失敗' };

/** For coordinators: reminders to come and those sent, and the ward's contacts they go to. */
export function RemindersPage() {
  const reminders = useReminders();
  // Contacts are names and addresses: only those who manage them somewhere see them (the API says 403 to others).
  const mayManageContacts = useAccess().mayAnywhere('contacts.manage');
  const contacts = useContacts(mayManageContacts);
  const items = reminders.data?.items ?? [];
  return (
    <>
      <h1>リマインダー</h1>
      {!reminders.data && <Pending error={reminders.error} label="リマインダー" />}
      {reminders.data && (
        <>
          <ReminderTable title="これから送るもの" items={items.filter((r) => r.status === 'planned')} />
          <ReminderTable title="送ったもの" items={items.filter((r) => r.status !== 'planned').reverse()} />
        </>
      )}
      {mayManageContacts && (
        <section aria-labelledby="contacts">
          <h2 id="contacts">連絡先</h2>
          {contacts.error ? (
            <ErrorMessage error={contacts.error} />
          ) : !contacts.data ? (
            <Pending error={undefined} label="連絡先" />
          ) : contacts.data.items.length === 0 ? (
            <p>登録されていません。</p>
          ) : (
            <table className="list">
              <thead>
                <tr>
                  <th scope="col">部・区</th>
                  <th scope="col">課</th>
                  <th scope="col">名前</th>
                  <th scope="col">役割</th>
                  <th scope="col">送り先</th>
                </tr>
              </thead>
              <tbody>
                {contacts.data.items.map((c) => (
                  <tr key={c.contactId}>
                    <td>{c.department}</td>
                    <td>{c.unit ?? '（部・区全体）'}</td>
                    <td>{c.name}</td>
                    <td>{c.role}</td>
                    <td>{c.email ?? c.webhookUrl ?? '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
      )}
    </>
  );
}

function ReminderTable({ title, items }: { title: string; items: Reminder[] }) {
  const id = `reminders-${title}`;
  return (
    <section aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      {items.length === 0 ? (
        <p>ありません。</p>
      ) : (
        <table className="list">
          <thead>
            <tr>
              <th scope="col">送信日</th>
              <th scope="col">内容</th>
              <th scope="col">期限</th>
              <th scope="col">宛先</th>
              <th scope="col">状態</th>
              <th scope="col">シート</th>
            </tr>
          </thead>
          <tbody>
            {items.map((r) => (
              <tr key={r.reminderId}>
                <td>
                  <DateText iso={r.sendOn} />
                </td>
                <td>
                  {KIND_LABEL[r.kind]}
                  {r.quarter && `（第${r.quarter}四半期）`}
                </td>
                <td>
                  <DateText iso={r.dueOn} />
                </td>
                <td>
                  {r.recipient.name ?? r.recipient.role}（{r.channel}）
                </td>
                <td>
                  {STATUS_LABEL[r.status]}
                  {r.reason && <span className="hint">：{r.reason}</span>}
                </td>
                <td>
                  <Link to={`/sheets/${r.sheetId}`}>開く</Link>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

import type { ComponentChildren } from 'preact';
import { MentionContext, MessageActionsContext, RoomLogContext } from '../message-context.ts';
import type { MessageUi } from '../use-message-ui.ts';

/** Provides the message UI (use-message-ui.ts) to the message rows below it. */
export function MessageContexts({ ui, children }: { ui: MessageUi; children: ComponentChildren }) {
  return (
    <MessageActionsContext.Provider value={ui.actions}>
      <RoomLogContext.Provider value={ui.log}>
        <MentionContext.Provider value={ui.names}>{children}</MentionContext.Provider>
      </RoomLogContext.Provider>
    </MessageActionsContext.Provider>
  );
}

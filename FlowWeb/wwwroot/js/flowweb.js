// FlowWeb's only script: copy text to the clipboard. The Clipboard API exists only in secure contexts
// (https or localhost); FlowWeb is usually opened over plain http on a LAN, so fall back to execCommand.
window.flowweb = {
    copyText: async function (text) {
        if (navigator.clipboard && window.isSecureContext) {
            try {
                await navigator.clipboard.writeText(text);
                return true;
            } catch {
                // fall through to the fallback
            }
        }
        const area = document.createElement("textarea");
        area.value = text;
        area.setAttribute("readonly", "");
        area.style.position = "fixed";
        area.style.opacity = "0";
        document.body.appendChild(area);
        area.select();
        let copied = false;
        try {
            copied = document.execCommand("copy");
        } catch {
            copied = false;
        }
        document.body.removeChild(area);
        return copied;
    }
};

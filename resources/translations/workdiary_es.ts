<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="es" sourcelanguage="en">
<context>
    <name>Confirm</name>
    <message>
        <source>&amp;Yes</source>
        <translation>&amp;Sí</translation>
    </message>
    <message>
        <source>&amp;No</source>
        <translation>&amp;No</translation>
    </message>
</context>
<context>
    <name>Contracts</name>
    <message>
        <source>The contract “{title}” is no longer active (paused or ended by the client or ended by you): time recorded on it from now on is refused (contract_inactive). Clock out.</source>
        <translation>El contrato «{title}» ya no está activo (lo pausó o terminó el cliente, o lo terminó usted): el tiempo que se registre en él a partir de ahora se rechaza (contract_inactive). Fiche la salida.</translation>
    </message>
</context>
<context>
    <name>Desktop</name>
    <message>
        <source>There is no system tray in this session (no panel with a notification area is running), so workdiary runs in this window; its notices also appear as desktop notifications. Closing it clocks out and quits. To get a tray: on GNOME install the AppIndicator extension (gnome-shell-extension-appindicator); on sway, a bar with a tray (waybar&apos;s tray module, or swaybar); KDE Plasma&apos;s panel has one.</source>
        <translation>No hay bandeja del sistema en esta sesión (no hay ningún panel con área de notificación en marcha), así que workdiary funciona en esta ventana; sus avisos también aparecen como notificaciones del escritorio. Cerrarla registra la salida y sale. Para tener una bandeja: en GNOME instale la extensión AppIndicator (gnome-shell-extension-appindicator); en sway, una barra con bandeja (el módulo de bandeja de waybar, o swaybar); el panel de KDE Plasma ya la tiene.</translation>
    </message>
    <message>
        <source>About workdiary</source>
        <translation>Acerca de workdiary</translation>
    </message>
    <message>
        <source>OK</source>
        <translation>Aceptar</translation>
    </message>
    <message>
        <source>Close this window.</source>
        <translation>Cierra esta ventana.</translation>
    </message>
    <message>
        <source>tray: the system tray</source>
        <translation>bandeja: la bandeja del sistema</translation>
    </message>
    <message>
        <source>tray: none (notices in the main window and as desktop notifications)</source>
        <translation>bandeja: ninguna (avisos en la ventana principal y como notificaciones del escritorio)</translation>
    </message>
    <message>
        <source>(not reported)</source>
        <translation>(no informado)</translation>
    </message>
    <message>
        <source>A work diary for hourly contracts: time in signed segments, screenshots and activity, uploaded to your server.

Capture in this session:
{lines}</source>
        <translation>Un diario de trabajo para contratos por horas: tiempo en segmentos firmados, capturas de pantalla y actividad, subidos a su servidor.

Captura en esta sesión:
{lines}</translation>
    </message>
    <message>
        <source>Desktop notifications cannot be shown ({reason}); notices appear only here.</source>
        <translation>No se pueden mostrar notificaciones del escritorio ({reason}); los avisos aparecen solo aquí.</translation>
    </message>
    <message>
        <source>You were away since {time}: workdiary asks what to do with that time.</source>
        <translation>Estuvo ausente desde las {time}: workdiary pregunta qué hacer con ese tiempo.</translation>
    </message>
</context>
<context>
    <name>Diary</name>
    <message>
        <source>Time</source>
        <translation>Hora</translation>
    </message>
    <message>
        <source>Tracked</source>
        <translation>Registrado</translation>
    </message>
    <message>
        <source>Activity</source>
        <translation>Actividad</translation>
    </message>
    <message>
        <source>Memo</source>
        <translation>Nota</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Estado</translation>
    </message>
    <message>
        <source>Screenshots</source>
        <translation>Capturas</translation>
    </message>
    <message>
        <source>Activity measured from idle time (input is not counted on this desktop).</source>
        <translation>Actividad medida por el tiempo inactivo (en este escritorio no se cuentan las pulsaciones).</translation>
    </message>
    <message>
        <source>protected</source>
        <translation>protegido</translation>
    </message>
    <message>
        <source>unprotected</source>
        <translation>sin protección</translation>
    </message>
    <message>
        <source>rejected</source>
        <translation>rechazado</translation>
    </message>
    <message>
        <source>; memo edit waiting for upload</source>
        <translation>; cambio de nota pendiente de subir</translation>
    </message>
    <message>
        <source>; memo edit refused: {reason}</source>
        <translation>; cambio de nota rechazado: {reason}</translation>
    </message>
    <message>
        <source>; memo edited</source>
        <translation>; nota cambiada</translation>
    </message>
    <message>
        <source>recording</source>
        <translation>grabando</translation>
    </message>
    <message>
        <source>deleted (server copy deleted at next sync)</source>
        <translation>borrado (la copia del servidor se borra en la próxima sincronización)</translation>
    </message>
    <message>
        <source>deleted</source>
        <translation>borrado</translation>
    </message>
    <message>
        <source>refused by the server: {reason}</source>
        <translation>rechazado por el servidor: {reason}</translation>
    </message>
    <message>
        <source>uploaded</source>
        <translation>subido</translation>
    </message>
    <message>
        <source>waiting for upload ({error})</source>
        <translation>pendiente de subir ({error})</translation>
    </message>
    <message>
        <source>waiting for upload</source>
        <translation>pendiente de subir</translation>
    </message>
    <message>
        <source>; expected {verdict}</source>
        <translation>; se espera {verdict}</translation>
    </message>
    <message>
        <source>workdiary: diary</source>
        <translation>workdiary: diario</translation>
    </message>
    <message>
        <source>◀ &amp;Previous day</source>
        <translation>◀ Día &amp;anterior</translation>
    </message>
    <message>
        <source>Previous day</source>
        <translation>Día anterior</translation>
    </message>
    <message>
        <source>Show the day before.</source>
        <translation>Muestra el día anterior.</translation>
    </message>
    <message>
        <source>&amp;Next day ▶</source>
        <translation>Día &amp;siguiente ▶</translation>
    </message>
    <message>
        <source>Next day</source>
        <translation>Día siguiente</translation>
    </message>
    <message>
        <source>Show the day after.</source>
        <translation>Muestra el día siguiente.</translation>
    </message>
    <message>
        <source>Segments of the day</source>
        <translation>Segmentos del día</translation>
    </message>
    <message>
        <source>One row per segment. F2 edits a memo until its week locks (after upload the edit is signed and sent again); Enter on the Screenshots cell opens the screenshot.</source>
        <translation>Una fila por segmento. F2 edita una nota hasta que se cierra su semana (tras la subida el cambio se firma y se envía de nuevo); Intro en la celda Capturas abre la captura.</translation>
    </message>
    <message>
        <source>De&amp;lete segment…</source>
        <translation>&amp;Borrar segmento…</translation>
    </message>
    <message>
        <source>Delete the selected segment&apos;s time; asks first.</source>
        <translation>Borra el tiempo del segmento seleccionado; antes pregunta.</translation>
    </message>
    <message>
        <source>{day} (times in {zone})</source>
        <translation>{day} (horas en {zone})</translation>
    </message>
    <message>
        <source>The work week turns at Monday 00:00 UTC, which is {time} here: segments before it belong to the previous week&apos;s timesheet.</source>
        <translation>La semana de trabajo cambia el lunes a las 00:00 UTC, que aquí son las {time}: los segmentos anteriores pertenecen a la hoja de horas de la semana anterior.</translation>
    </message>
    <message>
        <source>manual</source>
        <translation>manual</translation>
    </message>
    <message>
        <source>{bars}/10 (idle time)</source>
        <translation>{bars}/10 (tiempo inactivo)</translation>
    </message>
    <message>
        <source>Manual time: entered by hand, billable, never protected</source>
        <translation>Tiempo manual: introducido a mano, facturable, nunca protegido</translation>
    </message>
    <message>
        <source>Day total: {time} h tracked, {active}, {segments}</source>
        <translation>Total del día: {time} h registradas, {active}, {segments}</translation>
    </message>
    <message>
        <source>{n} active minute</source>
        <translation>{n} minuto activo</translation>
    </message>
    <message>
        <source>{n} active minutes</source>
        <translation>{n} minutos activos</translation>
    </message>
    <message>
        <source>{n} segment</source>
        <translation>{n} segmento</translation>
    </message>
    <message>
        <source>{n} segments</source>
        <translation>{n} segmentos</translation>
    </message>
    <message>
        <source>; “idle time”: activity measured from idle time (input is not counted on this desktop)</source>
        <translation>; «tiempo inactivo»: actividad medida por el tiempo inactivo (en este escritorio no se cuentan las pulsaciones)</translation>
    </message>
    <message>
        <source>Delete this segment&apos;s time? It will not be billed; a tombstone keeps its place. This cannot be undone.</source>
        <translation>¿Borrar el tiempo de este segmento? No se facturará; una lápida conserva su lugar. No se puede deshacer.</translation>
    </message>
    <message>
        <source>%v/10 idle time</source>
        <translation>%v/10 tiempo inactivo</translation>
    </message>
    <message>
        <source>{n} taken</source>
        <translation>{n} tomadas</translation>
    </message>
    <message>
        <source>{n} redacted</source>
        <translation>{n} censuradas</translation>
    </message>
    <message>
        <source>{n} failed</source>
        <translation>{n} fallidas</translation>
    </message>
    <message>
        <source>none</source>
        <translation>ninguna</translation>
    </message>
</context>
<context>
    <name>IdlePrompt</name>
    <message>
        <source>workdiary: you were away</source>
        <translation>workdiary: estuvo ausente</translation>
    </message>
    <message>
        <source>No keyboard or mouse input from {start} to {end}: {n} minute was recorded as idle.</source>
        <translation>Sin teclado ni ratón de {start} a {end}: {n} minuto se registró como inactivo.</translation>
    </message>
    <message>
        <source>No keyboard or mouse input from {start} to {end}: {n} minutes were recorded as idle.</source>
        <translation>Sin teclado ni ratón de {start} a {end}: {n} minutos se registraron como inactivos.</translation>
    </message>
    <message>
        <source>Keep them (billed, shown as not active) or discard them (not billed; screenshots taken meanwhile are deleted)? Closing this window keeps them.</source>
        <translation>¿Conservarlos (se facturan y se muestran como no activos) o descartarlos (no se facturan; se borran las capturas tomadas mientras tanto)? Cerrar esta ventana los conserva.</translation>
    </message>
    <message>
        <source>Idle time</source>
        <translation>Tiempo inactivo</translation>
    </message>
    <message>
        <source>&amp;Keep</source>
        <translation>&amp;Conservar</translation>
    </message>
    <message>
        <source>Keep the idle minutes: billed, shown as not active.</source>
        <translation>Conserva los minutos inactivos: se facturan y se muestran como no activos.</translation>
    </message>
    <message>
        <source>&amp;Discard</source>
        <translation>&amp;Descartar</translation>
    </message>
    <message>
        <source>Discard the idle minutes: not billed; screenshots taken meanwhile are deleted.</source>
        <translation>Descarta los minutos inactivos: no se facturan; se borran las capturas tomadas mientras tanto.</translation>
    </message>
</context>
<context>
    <name>Language</name>
    <message>
        <source>The translation cannot be used ({reason}); workdiary shows English.</source>
        <translation>No se puede usar la traducción ({reason}); workdiary se muestra en inglés.</translation>
    </message>
    <message>
        <source>{path} is not a Qt translation file; workdiary shows English.</source>
        <translation>{path} no es un archivo de traducción de Qt; workdiary se muestra en inglés.</translation>
    </message>
    <message>
        <source>There is no translation for {code}; workdiary shows English.</source>
        <translation>No hay traducción para {code}; workdiary se muestra en inglés.</translation>
    </message>
</context>
<context>
    <name>Login</name>
    <message>
        <source>workdiary: log in</source>
        <translation>workdiary: iniciar sesión</translation>
    </message>
    <message>
        <source>Log this computer in to your workdiary server. The token and this device&apos;s signing key are kept in the system keyring, never in a file.</source>
        <translation>Conecte este ordenador a su servidor de workdiary. El token y la clave de firma de este dispositivo se guardan en el llavero del sistema, nunca en un archivo.</translation>
    </message>
    <message>
        <source>&amp;Server</source>
        <translation>&amp;Servidor</translation>
    </message>
    <message>
        <source>&amp;Email</source>
        <translation>&amp;Correo electrónico</translation>
    </message>
    <message>
        <source>&amp;Password</source>
        <translation>C&amp;ontraseña</translation>
    </message>
    <message>
        <source>Server address</source>
        <translation>Dirección del servidor</translation>
    </message>
    <message>
        <source>The address of your workdiary server, starting with https://.</source>
        <translation>La dirección de su servidor de workdiary, que empieza por https://.</translation>
    </message>
    <message>
        <source>Email</source>
        <translation>Correo electrónico</translation>
    </message>
    <message>
        <source>The email of your account on that server.</source>
        <translation>El correo de su cuenta en ese servidor.</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>Contraseña</translation>
    </message>
    <message>
        <source>Your password; it is sent once and never stored.</source>
        <translation>Su contraseña; se envía una vez y nunca se guarda.</translation>
    </message>
    <message>
        <source>&amp;Log in</source>
        <translation>&amp;Iniciar sesión</translation>
    </message>
    <message>
        <source>Log in with these details.</source>
        <translation>Inicia sesión con estos datos.</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Cancelar</translation>
    </message>
    <message>
        <source>Close without logging in.</source>
        <translation>Cierra sin iniciar sesión.</translation>
    </message>
    <message>
        <source>Fill in the server address, your email and your password.</source>
        <translation>Rellene la dirección del servidor, su correo y su contraseña.</translation>
    </message>
    <message>
        <source>Logging in to {url}…</source>
        <translation>Iniciando sesión en {url}…</translation>
    </message>
    <message>
        <source>Not logged in: {reason}</source>
        <translation>Sesión no iniciada: {reason}</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Tracking state</source>
        <translation>Estado del registro</translation>
    </message>
    <message>
        <source>Contracts</source>
        <translation>Contratos</translation>
    </message>
    <message>
        <source>Choose the contract to clock in on; its tracking policy is shown beside the list.</source>
        <translation>Elija el contrato en el que fichar; su política de registro se muestra junto a la lista.</translation>
    </message>
    <message>
        <source>Tracking policy</source>
        <translation>Política de registro</translation>
    </message>
    <message>
        <source>What is recorded while you are clocked in on this contract.</source>
        <translation>Lo que se registra mientras tiene fichada la entrada en este contrato.</translation>
    </message>
    <message>
        <source>&amp;Log in…</source>
        <translation>I&amp;niciar sesión…</translation>
    </message>
    <message>
        <source>Log this computer in to your workdiary server.</source>
        <translation>Conecta este ordenador a su servidor de workdiary.</translation>
    </message>
    <message>
        <source>&amp;Memo:</source>
        <translation>N&amp;ota:</translation>
    </message>
    <message>
        <source>What are you working on?</source>
        <translation>¿En qué está trabajando?</translation>
    </message>
    <message>
        <source>Memo</source>
        <translation>Nota</translation>
    </message>
    <message>
        <source>What you are working on, saved with the segment. Enter clocks in.</source>
        <translation>En qué está trabajando; se guarda con el segmento. Intro ficha la entrada.</translation>
    </message>
    <message>
        <source>Clock &amp;in</source>
        <translation>Fichar &amp;entrada</translation>
    </message>
    <message>
        <source>Start recording time on the selected contract.</source>
        <translation>Empieza a registrar tiempo en el contrato seleccionado.</translation>
    </message>
    <message>
        <source>Clock &amp;out</source>
        <translation>Fichar &amp;salida</translation>
    </message>
    <message>
        <source>Stop recording time; the segment is closed and kept.</source>
        <translation>Deja de registrar tiempo; el segmento se cierra y se conserva.</translation>
    </message>
    <message>
        <source>Activity</source>
        <translation>Actividad</translation>
    </message>
    <message>
        <source>This segment&apos;s activity, from 0 to 10.</source>
        <translation>La actividad de este segmento, de 0 a 10.</translation>
    </message>
    <message>
        <source>&amp;Sync now</source>
        <translation>Sin&amp;cronizar ahora</translation>
    </message>
    <message>
        <source>Upload the recorded segments now.</source>
        <translation>Sube ahora los segmentos registrados.</translation>
    </message>
    <message>
        <source>Open &amp;diary</source>
        <translation>Abrir &amp;diario</translation>
    </message>
    <message>
        <source>Show the day&apos;s segments, memos and screenshots.</source>
        <translation>Muestra los segmentos, notas y capturas del día.</translation>
    </message>
    <message>
        <source>Add manual &amp;time…</source>
        <translation>Añadir &amp;tiempo manual…</translation>
    </message>
    <message>
        <source>Enter time you worked without the tracker, on a contract that allows it.</source>
        <translation>Introducir tiempo trabajado sin el registro, en un contrato que lo permita.</translation>
    </message>
    <message>
        <source>&amp;About</source>
        <translation>&amp;Acerca de</translation>
    </message>
    <message>
        <source>The version and how this computer captures.</source>
        <translation>La versión y cómo captura este ordenador.</translation>
    </message>
    <message>
        <source>Lan&amp;guage:</source>
        <translation>&amp;Idioma:</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>Idioma</translation>
    </message>
    <message>
        <source>The language of workdiary&apos;s windows and tray menu.</source>
        <translation>El idioma de las ventanas y del menú de la bandeja de workdiary.</translation>
    </message>
    <message>
        <source>System default</source>
        <translation>El del sistema</translation>
    </message>
    <message>
        <source>Log in to fetch yours.</source>
        <translation>Inicie sesión para traer los suyos.</translation>
    </message>
    <message>
        <source>To fetch yours, {hint}; they appear here when you open workdiary again.</source>
        <translation>Para traer los suyos, {hint}; aparecen aquí cuando vuelva a abrir workdiary.</translation>
    </message>
    <message>
        <source>No contracts on this computer yet. {how}</source>
        <translation>Aún no hay contratos en este ordenador. {how}</translation>
    </message>
    <message>
        <source>While you are clocked in on this contract:</source>
        <translation>Mientras tenga fichada la entrada en este contrato:</translation>
    </message>
    <message>
        <source>Working…</source>
        <translation>Trabajando…</translation>
    </message>
    <message>
        <source>Paused (idle since {time}): {contract}</source>
        <translation>En pausa (inactivo desde las {time}): {contract}</translation>
    </message>
    <message>
        <source>Tracking: {contract}</source>
        <translation>Registrando: {contract}</translation>
    </message>
    <message>
        <source>Clocked out</source>
        <translation>Salida fichada</translation>
    </message>
    <message>
        <source> — problem: {problem}</source>
        <translation> — problema: {problem}</translation>
    </message>
    <message>
        <source>This segment {span}: {minutes} min recorded so far</source>
        <translation>Este segmento {span}: {minutes} min registrados hasta ahora</translation>
    </message>
    <message>
        <source>This segment: {minutes} min recorded so far</source>
        <translation>Este segmento: {minutes} min registrados hasta ahora</translation>
    </message>
    <message>
        <source>last segment: activity %v/10</source>
        <translation>último segmento: actividad %v/10</translation>
    </message>
    <message>
        <source>activity %v/10</source>
        <translation>actividad %v/10</translation>
    </message>
    <message>
        <source>This segment: not clocked in</source>
        <translation>Este segmento: sin entrada fichada</translation>
    </message>
    <message>
        <source>Today: {time} h</source>
        <translation>Hoy: {time} h</translation>
    </message>
    <message>
        <source>This week (from Monday 00:00 UTC): {time} h</source>
        <translation>Esta semana (desde el lunes 00:00 UTC): {time} h</translation>
    </message>
    <message>
        <source>(you have {version}).</source>
        <translation>(tiene la {version}).</translation>
    </message>
    <message>
        <source>Download</source>
        <translation>Descargar</translation>
    </message>
    <message>
        <source>What is new</source>
        <translation>Novedades</translation>
    </message>
    <message>
        <source>Download it from your usual download page.</source>
        <translation>Descárguela de su página de descargas habitual.</translation>
    </message>
</context>
<context>
    <name>Manual</name>
    <message>
        <source>unknown contract {contract}: `workdiary contracts` lists yours (and refreshes them from the server)</source>
        <translation>contrato desconocido {contract}: `workdiary contracts` lista los suyos (y los actualiza desde el servidor)</translation>
    </message>
    <message>
        <source>no segment {segment} in the local cache (`workdiary diary` lists the segments of a day)</source>
        <translation>no hay ningún segmento {segment} en la caché local (`workdiary diary` lista los segmentos de un día)</translation>
    </message>
    <message>
        <source>segment {segment} is deleted: it has no memo to edit</source>
        <translation>el segmento {segment} está borrado: no tiene nota que editar</translation>
    </message>
    <message>
        <source>segment {segment} is still being recorded: its memo is the one you clock in with (or set in the tray app)</source>
        <translation>el segmento {segment} aún se está registrando: su nota es la que usó al fichar la entrada (o la que ponga en la aplicación de la bandeja)</translation>
    </message>
    <message>
        <source>the week of segment {segment} locked at {locked}: its memo can no longer change</source>
        <translation>la semana del segmento {segment} se cerró el {locked}: su nota ya no puede cambiar</translation>
    </message>
</context>
<context>
    <name>ManualRefusal</name>
    <message>
        <source>“{title}” does not allow manual time: its client can allow it in the contract&apos;s policy.</source>
        <translation>«{title}» no admite tiempo manual: su cliente puede permitirlo en la política del contrato.</translation>
    </message>
    <message>
        <source>“{title}” is paused or ended: it takes no time.</source>
        <translation>«{title}» está en pausa o terminado: no admite tiempo.</translation>
    </message>
    <message>
        <source>The end must be after the start.</source>
        <translation>El final debe ser posterior al inicio.</translation>
    </message>
    <message>
        <source>One entry spans at most 24 hours: enter longer time in several entries.</source>
        <translation>Una entrada abarca como mucho 24 horas: introduce un tiempo más largo en varias entradas.</translation>
    </message>
    <message>
        <source>Manual time cannot be in the future: it ends at {end}, and it is {now} now.</source>
        <translation>El tiempo manual no puede estar en el futuro: termina el {end} y ahora es {now}.</translation>
    </message>
    <message>
        <source>Manual time is at least one minute.</source>
        <translation>El tiempo manual dura al menos un minuto.</translation>
    </message>
    <message>
        <source>The week of {day} locked on {lock}: it takes no more time.</source>
        <translation>La semana del {day} se cerró el {lock}: no admite más tiempo.</translation>
    </message>
    <message>
        <source>{start} to {end} overlaps time you already have ({other_start} to {other_end}): the same time cannot be billed twice.</source>
        <translation>De {start} a {end} se solapa con tiempo que ya tienes (de {other_start} a {other_end}): el mismo tiempo no se puede facturar dos veces.</translation>
    </message>
    <message>
        <source>Time was just recorded between {start} and {end}: the same time cannot be billed twice.</source>
        <translation>Se acaba de registrar tiempo entre {start} y {end}: el mismo tiempo no se puede facturar dos veces.</translation>
    </message>
    <message>
        <source>The weekly limit is {limit}; the week of {week} already has {already} (h:mm:ss), so {adding} more does not fit.</source>
        <translation>El límite semanal es de {limit}; la semana del {week} ya tiene {already} (h:mm:ss), así que {adding} más no caben.</translation>
    </message>
    <message>
        <source>A memo holds at most {limit} characters, not {length}.</source>
        <translation>Una nota admite como mucho {limit} caracteres, no {length}.</translation>
    </message>
</context>
<context>
    <name>ManualTime</name>
    <message>
        <source>workdiary: add manual time</source>
        <translation>workdiary: añadir tiempo manual</translation>
    </message>
    <message>
        <source>Time you worked without the tracker. It is billable but never protected: it has no screenshots and no activity, and the client sees it marked as manual.</source>
        <translation>Tiempo que trabajó sin el registro. Es facturable pero nunca protegido: no tiene capturas ni actividad, y el cliente lo ve marcado como manual.</translation>
    </message>
    <message>
        <source>&amp;Contract</source>
        <translation>&amp;Contrato</translation>
    </message>
    <message>
        <source>Contract</source>
        <translation>Contrato</translation>
    </message>
    <message>
        <source>The contracts whose policy allows manual time.</source>
        <translation>Los contratos cuya política permite tiempo manual.</translation>
    </message>
    <message>
        <source>&amp;Start ({zone})</source>
        <translation>&amp;Inicio ({zone})</translation>
    </message>
    <message>
        <source>Start</source>
        <translation>Inicio</translation>
    </message>
    <message>
        <source>When the work began, in {zone}; arrow keys change the part under the cursor.</source>
        <translation>Cuándo empezó el trabajo, en {zone}; las flechas cambian la parte bajo el cursor.</translation>
    </message>
    <message>
        <source>&amp;End ({zone})</source>
        <translation>&amp;Fin ({zone})</translation>
    </message>
    <message>
        <source>End</source>
        <translation>Fin</translation>
    </message>
    <message>
        <source>When the work ended, in {zone}; not in the future.</source>
        <translation>Cuándo terminó el trabajo, en {zone}; no en el futuro.</translation>
    </message>
    <message>
        <source>&amp;Memo</source>
        <translation>&amp;Nota</translation>
    </message>
    <message>
        <source>What you did</source>
        <translation>Qué hizo</translation>
    </message>
    <message>
        <source>Memo</source>
        <translation>Nota</translation>
    </message>
    <message>
        <source>What you did in that time; the client reads it.</source>
        <translation>Qué hizo en ese tiempo; el cliente lo lee.</translation>
    </message>
    <message>
        <source>&amp;Add manual time</source>
        <translation>Añadir tiempo &amp;manual</translation>
    </message>
    <message>
        <source>Record the time as manual segments; they upload with the next sync.</source>
        <translation>Registrar el tiempo como segmentos manuales; se suben con la próxima sincronización.</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Cancelar</translation>
    </message>
    <message>
        <source>Close without adding anything (Escape).</source>
        <translation>Cerrar sin añadir nada (Escape).</translation>
    </message>
    <message>
        <source>None of your contracts allows manual time; the client sets it in the contract&apos;s policy.</source>
        <translation>Ninguno de sus contratos permite tiempo manual; el cliente lo decide en la política del contrato.</translation>
    </message>
    <message>
        <source>Say what you did in the memo: the client reads it.</source>
        <translation>Diga en la nota qué hizo: el cliente la lee.</translation>
    </message>
    <message>
        <source>Adding…</source>
        <translation>Añadiendo…</translation>
    </message>
    <message>
        <source>Not added: {reason}</source>
        <translation>No se añadió: {reason}</translation>
    </message>
</context>
<context>
    <name>Notify</name>
    <message>
        <source>no notification service answered on the session bus ({name})</source>
        <translation>ningún servicio de notificaciones respondió en el bus de sesión ({name})</translation>
    </message>
    <message>
        <source>the notification service did not answer in time</source>
        <translation>el servicio de notificaciones no respondió a tiempo</translation>
    </message>
    <message>
        <source>no D-Bus session bus to send notifications on ({reason})</source>
        <translation>no hay bus de sesión D-Bus por el que enviar notificaciones ({reason})</translation>
    </message>
</context>
<context>
    <name>Offers</name>
    <message>
        <source>Offer: {title}</source>
        <translation>Oferta: {title}</translation>
    </message>
    <message>
        <source>New offer: {title}</source>
        <translation>Nueva oferta: {title}</translation>
    </message>
    <message>
        <source>If you accept, this is recorded while you are clocked in:</source>
        <translation>Si acepta, esto se registra mientras haya fichado la entrada:</translation>
    </message>
    <message>
        <source>Accept</source>
        <translation>Aceptar</translation>
    </message>
    <message>
        <source>Accept the offer {title}</source>
        <translation>Aceptar la oferta {title}</translation>
    </message>
    <message>
        <source>Agree to the terms and tracking policy above; the contract joins your list and you can clock in on it.</source>
        <translation>Aceptar las condiciones y la política de registro de arriba; el contrato se une a su lista y puede fichar la entrada en él.</translation>
    </message>
    <message>
        <source>Decline</source>
        <translation>Rechazar</translation>
    </message>
    <message>
        <source>Decline the offer {title}</source>
        <translation>Rechazar la oferta {title}</translation>
    </message>
    <message>
        <source>Refuse this offer; the client is told and it leaves this list.</source>
        <translation>Rechazar esta oferta; se avisa al cliente y sale de esta lista.</translation>
    </message>
    <message>
        <source>the login expired: run `workdiary login` again.</source>
        <translation>la sesión caducó: vuelva a ejecutar `workdiary login`.</translation>
    </message>
    <message>
        <source>not logged in: run `workdiary login SERVER_URL --email EMAIL` first.</source>
        <translation>sin sesión iniciada: ejecute primero `workdiary login SERVER_URL --email EMAIL`.</translation>
    </message>
    <message>
        <source>the login is gone from the keyring: run `workdiary login` again.</source>
        <translation>la sesión ya no está en el llavero: vuelva a ejecutar `workdiary login`.</translation>
    </message>
    <message>
        <source>the offers could not be read: {reason}</source>
        <translation>no se pudieron leer las ofertas: {reason}</translation>
    </message>
    <message>
        <source>there is no open offer {contract} for you: `workdiary contracts` lists your offers.</source>
        <translation>no tiene ninguna oferta abierta {contract}: `workdiary contracts` lista sus ofertas.</translation>
    </message>
    <message>
        <source>the server refused the answer: {reason}</source>
        <translation>el servidor rechazó la respuesta: {reason}</translation>
    </message>
    <message>
        <source>the answer could not be sent: {reason}</source>
        <translation>no se pudo enviar la respuesta: {reason}</translation>
    </message>
</context>
<context>
    <name>Permissions</name>
    <message>
        <source>granted</source>
        <translation>concedido</translation>
    </message>
    <message>
        <source>missing</source>
        <translation>falta</translation>
    </message>
    <message>
        <source>not asked yet</source>
        <translation>aún no solicitado</translation>
    </message>
    <message>
        <source>workdiary: permissions</source>
        <translation>workdiary: permisos</translation>
    </message>
    <message>
        <source>&amp;Check again</source>
        <translation>&amp;Comprobar de nuevo</translation>
    </message>
    <message>
        <source>Check every permission again.</source>
        <translation>Vuelve a comprobar todos los permisos.</translation>
    </message>
    <message>
        <source>Open System Settings</source>
        <translation>Abrir Ajustes del Sistema</translation>
    </message>
    <message>
        <source>Open System Settings for {permission}</source>
        <translation>Abrir Ajustes del Sistema para {permission}</translation>
    </message>
    <message>
        <source>Ask</source>
        <translation>Solicitar</translation>
    </message>
    <message>
        <source>Ask for {permission}</source>
        <translation>Solicitar {permission}</translation>
    </message>
    <message>
        <source>Every permission workdiary needs is granted.</source>
        <translation>Todos los permisos que necesita workdiary están concedidos.</translation>
    </message>
    <message>
        <source>System Settings is open: allow workdiary there, then press Check again (macOS may ask to restart the app).</source>
        <translation>Ajustes del Sistema está abierto: permita workdiary allí y pulse Comprobar de nuevo (macOS puede pedir que reinicie la aplicación).</translation>
    </message>
    <message>
        <source>System Settings could not be opened: open it yourself, Privacy &amp; Security.</source>
        <translation>No se pudo abrir Ajustes del Sistema: ábralo usted, Privacidad y seguridad.</translation>
    </message>
    <message>
        <source>Granted.</source>
        <translation>Concedido.</translation>
    </message>
    <message>
        <source>Not granted yet: answer the system&apos;s prompt, or use Open System Settings.</source>
        <translation>Aún no concedido: responda a la pregunta del sistema o use Abrir Ajustes del Sistema.</translation>
    </message>
</context>
<context>
    <name>Policy</name>
    <message>
        <source>all your monitors (stitched into one picture)</source>
        <translation>todos sus monitores (unidos en una imagen)</translation>
    </message>
    <message>
        <source>your primary monitor only</source>
        <translation>solo su monitor principal</translation>
    </message>
    <message>
        <source>the monitor under the mouse pointer only</source>
        <translation>solo el monitor bajo el puntero del ratón</translation>
    </message>
    <message>
        <source>Time is recorded in {minutes}-minute segments; {shots} screenshot is taken at a random moment in each, of {what}.</source>
        <translation>El tiempo se registra en segmentos de {minutes} minutos; en cada uno se toma {shots} captura en un momento al azar, de {what}.</translation>
    </message>
    <message>
        <source>Time is recorded in {minutes}-minute segments; {shots} screenshots are taken at random moments in each, of {what}.</source>
        <translation>El tiempo se registra en segmentos de {minutes} minutos; en cada uno se toman {shots} capturas en momentos al azar, de {what}.</translation>
    </message>
    <message>
        <source>Screenshots are blurred on this computer before they are stored: text cannot be read.</source>
        <translation>Las capturas se difuminan en este ordenador antes de guardarse: el texto no se puede leer.</translation>
    </message>
    <message>
        <source>Screenshots are stored sharp (not blurred).</source>
        <translation>Las capturas se guardan nítidas (sin difuminar).</translation>
    </message>
    <message>
        <source>Activity is measured from the desktop&apos;s idle time: this desktop lets no application count keys or clicks, so minutes record active seconds only.</source>
        <translation>La actividad se mide por el tiempo inactivo del escritorio: este escritorio no deja a ninguna aplicación contar teclas ni clics, así que los minutos solo registran segundos activos.</translation>
    </message>
    <message>
        <source>Keyboard and mouse activity is counted: how many events, never which keys.</source>
        <translation>Se cuenta la actividad del teclado y del ratón: cuántos eventos, nunca qué teclas.</translation>
    </message>
    <message>
        <source>After {minutes} minutes without input the time is marked idle; when you come back you keep or discard it.</source>
        <translation>Tras {minutes} minutos sin teclado ni ratón el tiempo se marca como inactivo; al volver usted lo conserva o lo descarta.</translation>
    </message>
    <message>
        <source>You can redact parts of a screenshot before upload (the segment keeps its time).</source>
        <translation>Puede censurar partes de una captura antes de subirla (el segmento conserva su tiempo).</translation>
    </message>
    <message>
        <source>This contract does not allow redaction: a screenshot can only be deleted, with its segment&apos;s time.</source>
        <translation>Este contrato no permite censurar: una captura solo se puede borrar, con el tiempo de su segmento.</translation>
    </message>
    <message>
        <source>Your desktop asks once whether workdiary may take screenshots: allow it, or every screenshot is recorded as a failed capture and the segments lose protection (not pay).</source>
        <translation>Su escritorio pregunta una vez si workdiary puede tomar capturas: permítalo, o cada captura se registra como fallida y los segmentos pierden protección (no el pago).</translation>
    </message>
    <message>
        <source>Window titles are not recorded.</source>
        <translation>No se registran los títulos de las ventanas.</translation>
    </message>
    <message>
        <source>The policy asks for window titles. {why}</source>
        <translation>La política pide los títulos de las ventanas. {why}</translation>
    </message>
    <message>
        <source>The active application and window title are recorded with each screenshot.</source>
        <translation>Con cada captura se registran la aplicación activa y el título de la ventana.</translation>
    </message>
    <message>
        <source>no weekly limit</source>
        <translation>sin límite semanal</translation>
    </message>
    <message>
        <source>limit {hours} h/week</source>
        <translation>límite de {hours} h/semana</translation>
    </message>
    <message>
        <source>{money}/h</source>
        <translation>{money}/h</translation>
    </message>
    <message>
        <source>segments of {minutes} minutes (were {before})</source>
        <translation>segmentos de {minutes} minutos (eran {before})</translation>
    </message>
    <message>
        <source>{shots} screenshot per segment (were {before})</source>
        <translation>{shots} captura por segmento (eran {before})</translation>
    </message>
    <message>
        <source>{shots} screenshots per segment (were {before})</source>
        <translation>{shots} capturas por segmento (eran {before})</translation>
    </message>
    <message>
        <source>screenshots of {what}</source>
        <translation>capturas de {what}</translation>
    </message>
    <message>
        <source>screenshots are blurred</source>
        <translation>las capturas se difuminan</translation>
    </message>
    <message>
        <source>screenshots are no longer blurred</source>
        <translation>las capturas ya no se difuminan</translation>
    </message>
    <message>
        <source>redaction is allowed</source>
        <translation>se permite censurar</translation>
    </message>
    <message>
        <source>redaction is no longer allowed</source>
        <translation>ya no se permite censurar</translation>
    </message>
    <message>
        <source>manual time is allowed</source>
        <translation>se permite el tiempo manual</translation>
    </message>
    <message>
        <source>manual time is no longer allowed</source>
        <translation>ya no se permite el tiempo manual</translation>
    </message>
    <message>
        <source>window titles are recorded</source>
        <translation>se registran los títulos de las ventanas</translation>
    </message>
    <message>
        <source>window titles are no longer recorded</source>
        <translation>ya no se registran los títulos de las ventanas</translation>
    </message>
    <message>
        <source>idle after {minutes} minutes (was {before})</source>
        <translation>inactivo tras {minutes} minutos (era {before})</translation>
    </message>
    <message>
        <source>The client changed the tracking policy of “{title}”: {changes}. It applies from the next segment.</source>
        <translation>El cliente cambió la política de registro de «{title}»: {changes}. Se aplica desde el próximo segmento.</translation>
    </message>
    <message>
        <source>If you accept, this is what is recorded while you are clocked in:</source>
        <translation>Si acepta, esto es lo que se registra mientras haya fichado la entrada:</translation>
    </message>
</context>
<context>
    <name>Preview</name>
    <message>
        <source>workdiary: screenshot taken</source>
        <translation>workdiary: captura tomada</translation>
    </message>
    <message>
        <source>Screenshot</source>
        <translation>Captura</translation>
    </message>
    <message>
        <source>&amp;Delete…</source>
        <translation>&amp;Borrar…</translation>
    </message>
    <message>
        <source>Delete this screenshot and its segment&apos;s time; asks first.</source>
        <translation>Borra esta captura y el tiempo de su segmento; antes pregunta.</translation>
    </message>
    <message>
        <source>&amp;Redact…</source>
        <translation>&amp;Censurar…</translation>
    </message>
    <message>
        <source>Blur parts of this screenshot; the segment keeps its time.</source>
        <translation>Difumina partes de esta captura; el segmento conserva su tiempo.</translation>
    </message>
    <message>
        <source>&amp;Close</source>
        <translation>Ce&amp;rrar</translation>
    </message>
    <message>
        <source>Hide this window; the diary keeps the screenshot.</source>
        <translation>Oculta esta ventana; el diario conserva la captura.</translation>
    </message>
    <message>
        <source>Screenshot taken at {time}</source>
        <translation>Captura tomada a las {time}</translation>
    </message>
    <message>
        <source> in the segment {span}</source>
        <translation> en el segmento {span}</translation>
    </message>
    <message>
        <source> (blurred by policy)</source>
        <translation> (difuminada por la política)</translation>
    </message>
    <message>
        <source>Delete removes this segment&apos;s time. Redact blurs parts of the picture; the segment keeps its time.</source>
        <translation>Borrar quita el tiempo de este segmento. Censurar difumina partes de la imagen; el segmento conserva su tiempo.</translation>
    </message>
    <message>
        <source>Delete removes this segment&apos;s time. This contract does not allow redaction.</source>
        <translation>Borrar quita el tiempo de este segmento. Este contrato no permite censurar.</translation>
    </message>
    <message>
        <source>loading…</source>
        <translation>cargando…</translation>
    </message>
    <message>
        <source>(thumbnail not available)</source>
        <translation>(miniatura no disponible)</translation>
    </message>
    <message>
        <source>Delete this screenshot and the whole segment&apos;s time? The time will not be billed. This cannot be undone.</source>
        <translation>¿Borrar esta captura y todo el tiempo del segmento? El tiempo no se facturará. No se puede deshacer.</translation>
    </message>
</context>
<context>
    <name>Redact</name>
    <message>
        <source>workdiary: redact screenshot</source>
        <translation>workdiary: censurar captura</translation>
    </message>
    <message>
        <source>Drag rectangles over what must not be seen. Apply blurs them irreversibly: the original picture is replaced on this computer and never uploaded. The segment keeps its time and is marked redacted.</source>
        <translation>Arrastre rectángulos sobre lo que no debe verse. Aplicar los difumina de forma irreversible: la imagen original se sustituye en este ordenador y nunca se sube. El segmento conserva su tiempo y se marca como censurado.</translation>
    </message>
    <message>
        <source>Screenshot to redact</source>
        <translation>Captura que censurar</translation>
    </message>
    <message>
        <source>Drag with the mouse to mark an area to blur.</source>
        <translation>Arrastre con el ratón para marcar una zona que difuminar.</translation>
    </message>
    <message>
        <source>loading the screenshot…</source>
        <translation>cargando la captura…</translation>
    </message>
    <message>
        <source>Mark the &amp;whole picture</source>
        <translation>Marcar &amp;toda la imagen</translation>
    </message>
    <message>
        <source>Mark the whole screenshot to blur, without dragging.</source>
        <translation>Marca toda la captura para difuminarla, sin arrastrar.</translation>
    </message>
    <message>
        <source>&amp;Undo last box</source>
        <translation>&amp;Deshacer el último recuadro</translation>
    </message>
    <message>
        <source>Remove the last marked area.</source>
        <translation>Quita la última zona marcada.</translation>
    </message>
    <message>
        <source>&amp;Apply redaction</source>
        <translation>&amp;Aplicar la censura</translation>
    </message>
    <message>
        <source>Blur the marked areas for good.</source>
        <translation>Difumina para siempre las zonas marcadas.</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Cancelar</translation>
    </message>
    <message>
        <source>Close without redacting.</source>
        <translation>Cierra sin censurar.</translation>
    </message>
    <message>
        <source>The screenshot file is no longer on this computer, so it cannot be redacted here.</source>
        <translation>El archivo de la captura ya no está en este ordenador, así que no se puede censurar aquí.</translation>
    </message>
    <message>
        <source>Redacting…</source>
        <translation>Censurando…</translation>
    </message>
    <message>
        <source>The redaction failed; the reason is in the status line and the tray.</source>
        <translation>La censura falló; el motivo está en la línea de estado y en la bandeja.</translation>
    </message>
</context>
<context>
    <name>Release</name>
    <message>
        <source>Update required: workdiary {version} (clocking in is off)</source>
        <translation>Actualización obligatoria: workdiary {version} (no se puede fichar la entrada)</translation>
    </message>
    <message>
        <source>Update available: workdiary {version}</source>
        <translation>Actualización disponible: workdiary {version}</translation>
    </message>
</context>
<context>
    <name>Session</name>
    <message>
        <source>could not read the local diary: {reason}</source>
        <translation>no se pudo leer el diario local: {reason}</translation>
    </message>
    <message>
        <source>Cannot clock in. {reason}</source>
        <translation>No se puede fichar la entrada. {reason}</translation>
    </message>
    <message>
        <source>Cannot clock in: {reason}.</source>
        <translation>No se puede fichar la entrada: {reason}.</translation>
    </message>
    <message>
        <source>Could not clock in: {reason}</source>
        <translation>No se pudo fichar la entrada: {reason}</translation>
    </message>
    <message>
        <source>clocking out did not finish cleanly: {reason}</source>
        <translation>la salida no terminó limpiamente: {reason}</translation>
    </message>
    <message>
        <source>Not logged in, so there is nothing to sync with: run `workdiary login SERVER_URL --email EMAIL` in a terminal.</source>
        <translation>Sin sesión iniciada, no hay con qué sincronizar: ejecute `workdiary login SERVER_URL --email EMAIL` en una terminal.</translation>
    </message>
    <message>
        <source>Syncing now.</source>
        <translation>Sincronizando ahora.</translation>
    </message>
    <message>
        <source>Not deleted: {reason}</source>
        <translation>No se borró: {reason}</translation>
    </message>
    <message>
        <source>The segment&apos;s time was deleted; a tombstone keeps its place in the chain.</source>
        <translation>Se borró el tiempo del segmento; una lápida conserva su lugar en la cadena.</translation>
    </message>
    <message>
        <source>This segment is still being recorded: its time is deleted when it closes at {time}.</source>
        <translation>Este segmento aún se está registrando: su tiempo se borra cuando se cierre a las {time}.</translation>
    </message>
    <message>
        <source>This segment is still being recorded: its time is deleted when it closes.</source>
        <translation>Este segmento aún se está registrando: su tiempo se borra cuando se cierre.</translation>
    </message>
    <message>
        <source>Not redacted: {reason}</source>
        <translation>No se censuró: {reason}</translation>
    </message>
    <message>
        <source>Redacted: the marked areas are blurred for good; the segment keeps its time and is marked redacted.</source>
        <translation>Censurada: las zonas marcadas quedan difuminadas para siempre; el segmento conserva su tiempo y se marca como censurado.</translation>
    </message>
    <message>
        <source>Memo not saved: {reason}</source>
        <translation>No se guardó la nota: {reason}</translation>
    </message>
    <message>
        <source>Memo edit saved; it goes to the server with the next sync.</source>
        <translation>Cambio de nota guardado; va al servidor con la próxima sincronización.</translation>
    </message>
    <message>
        <source>Added {minutes} min of manual time in {count} segment.</source>
        <translation>Se añadieron {minutes} min de tiempo manual en {count} segmento.</translation>
    </message>
    <message>
        <source>Added {minutes} min of manual time in {count} segments.</source>
        <translation>Se añadieron {minutes} min de tiempo manual en {count} segmentos.</translation>
    </message>
    <message>
        <source>A screenshot could not be taken ({reason}); it is recorded as a failed capture. This message is not repeated for the same reason.</source>
        <translation>No se pudo tomar una captura ({reason}); se registra como captura fallida. Este mensaje no se repite por el mismo motivo.</translation>
    </message>
    <message>
        <source>The computer slept or its clock moved ({time} UTC): no time was recorded for the gap.</source>
        <translation>El ordenador se suspendió o su reloj cambió ({time} UTC): no se registró tiempo para ese hueco.</translation>
    </message>
    <message>
        <source>Recording problem: {reason}</source>
        <translation>Problema al registrar: {reason}</translation>
    </message>
    <message>
        <source>Log in first to answer offers.</source>
        <translation>Inicie sesión primero para responder a las ofertas.</translation>
    </message>
    <message>
        <source>Accepted “{title}”: you can clock in on it.</source>
        <translation>Aceptado «{title}»: puede fichar la entrada en él.</translation>
    </message>
    <message>
        <source>Declined “{title}”.</source>
        <translation>Rechazado «{title}».</translation>
    </message>
    <message>
        <source>The server kept the old memo of segment {segment}: {reason}.</source>
        <translation>El servidor mantuvo la nota anterior del segmento {segment}: {reason}.</translation>
    </message>
</context>
<context>
    <name>Sync</name>
    <message>
        <source>run `workdiary login SERVER_URL --email EMAIL` in a terminal</source>
        <translation>ejecute `workdiary login SERVER_URL --email EMAIL` en una terminal</translation>
    </message>
    <message>
        <source>{n} segment waiting for upload</source>
        <translation>{n} segmento pendiente de subir</translation>
    </message>
    <message>
        <source>{n} segments waiting for upload</source>
        <translation>{n} segmentos pendientes de subir</translation>
    </message>
    <message>
        <source>never synced</source>
        <translation>nunca sincronizado</translation>
    </message>
    <message>
        <source>last sync {time}</source>
        <translation>última sincronización a las {time}</translation>
    </message>
    <message>
        <source>{n} segment waits for {account}: it uploads when that account logs in again.</source>
        <translation>{n} segmento espera a {account}: se sube cuando esa cuenta vuelva a iniciar sesión.</translation>
    </message>
    <message>
        <source>{n} segments wait for {account}: they upload when that account logs in again.</source>
        <translation>{n} segmentos esperan a {account}: se suben cuando esa cuenta vuelva a iniciar sesión.</translation>
    </message>
    <message>
        <source>Not logged in: recorded time stays on this computer ({waiting}). To upload, {hint}.</source>
        <translation>Sin sesión iniciada: el tiempo registrado se queda en este ordenador ({waiting}). Para subirlo, {hint}.</translation>
    </message>
    <message>
        <source>Uploads paused: the login expired; {hint} again. {waiting}.</source>
        <translation>Subidas en pausa: la sesión caducó; {hint} de nuevo. {waiting}.</translation>
    </message>
    <message>
        <source>A segment was refused by the server and kept aside ({reason}); see `workdiary sync`. {waiting}, {last}.</source>
        <translation>El servidor rechazó un segmento y se apartó ({reason}); vea `workdiary sync`. {waiting}, {last}.</translation>
    </message>
    <message>
        <source>Uploads refused: {reason}. {waiting}; nothing is lost.</source>
        <translation>Subidas rechazadas: {reason}. {waiting}; no se pierde nada.</translation>
    </message>
    <message>
        <source>Uploads stopped: {reason}. {waiting}; nothing is lost, uploads resume by themselves. {last}.</source>
        <translation>Subidas detenidas: {reason}. {waiting}; no se pierde nada, las subidas se reanudan solas. {last}.</translation>
    </message>
    <message>
        <source>{waiting}, {last}.</source>
        <translation>{waiting}, {last}.</translation>
    </message>
    <message>
        <source>Everything is uploaded, {last}.</source>
        <translation>Todo está subido, {last}.</translation>
    </message>
    <message>
        <source>{n} segment not accepted yet: {why}</source>
        <translation>{n} segmento aún no aceptado: {why}</translation>
    </message>
    <message>
        <source>{n} segments not accepted yet: {why}</source>
        <translation>{n} segmentos aún no aceptados: {why}</translation>
    </message>
    <message>
        <source>Login: {notice}</source>
        <translation>Sesión: {notice}</translation>
    </message>
</context>
<context>
    <name>Tray</name>
    <message>
        <source>clocked out</source>
        <translation>salida fichada</translation>
    </message>
    <message>
        <source>tracking</source>
        <translation>registrando</translation>
    </message>
    <message>
        <source>paused (idle)</source>
        <translation>en pausa (inactivo)</translation>
    </message>
    <message>
        <source>clocked out, not uploading</source>
        <translation>salida fichada, sin subir</translation>
    </message>
    <message>
        <source>needs attention</source>
        <translation>requiere atención</translation>
    </message>
    <message>
        <source>Open &amp;workdiary</source>
        <translation>&amp;Abrir workdiary</translation>
    </message>
    <message>
        <source>Open &amp;diary</source>
        <translation>Abrir &amp;diario</translation>
    </message>
    <message>
        <source>Add &amp;manual time…</source>
        <translation>Añadir tiempo &amp;manual…</translation>
    </message>
    <message>
        <source>&amp;Sync now</source>
        <translation>Sincroni&amp;zar ahora</translation>
    </message>
    <message>
        <source>Not logged in: log in…</source>
        <translation>Sin sesión iniciada: iniciar sesión…</translation>
    </message>
    <message>
        <source>Not logged in: how to log in…</source>
        <translation>Sin sesión iniciada: cómo iniciarla…</translation>
    </message>
    <message>
        <source>Start at lo&amp;gin</source>
        <translation>Abrir al i&amp;niciar sesión</translation>
    </message>
    <message>
        <source>&amp;Language</source>
        <translation>&amp;Idioma</translation>
    </message>
    <message>
        <source>System default</source>
        <translation>El del sistema</translation>
    </message>
    <message>
        <source>&amp;About workdiary…</source>
        <translation>A&amp;cerca de workdiary…</translation>
    </message>
    <message>
        <source>&amp;Quit (clocks out)</source>
        <translation>Sa&amp;lir (ficha la salida)</translation>
    </message>
    <message>
        <source>workdiary: {state} on {contract}</source>
        <translation>workdiary: {state} en {contract}</translation>
    </message>
    <message>
        <source>workdiary: {state}</source>
        <translation>workdiary: {state}</translation>
    </message>
    <message>
        <source>Today {today} h, this week {week} h</source>
        <translation>Hoy {today} h, esta semana {week} h</translation>
    </message>
    <message>
        <source>Today –</source>
        <translation>Hoy –</translation>
    </message>
    <message>
        <source>Clock &amp;out</source>
        <translation>Fichar &amp;salida</translation>
    </message>
    <message>
        <source>Clock &amp;in…</source>
        <translation>Fichar &amp;entrada…</translation>
    </message>
    <message>
        <source>Start at login could not be turned on: {reason}</source>
        <translation>No se pudo activar el inicio con la sesión: {reason}</translation>
    </message>
    <message>
        <source>Start at login could not be turned off: {reason}</source>
        <translation>No se pudo desactivar el inicio con la sesión: {reason}</translation>
    </message>
    <message>
        <source>workdiary starts at login ({where}).</source>
        <translation>workdiary se abre al iniciar sesión ({where}).</translation>
    </message>
    <message>
        <source>workdiary no longer starts at login ({where}).</source>
        <translation>workdiary ya no se abre al iniciar sesión ({where}).</translation>
    </message>
</context>
</TS>
